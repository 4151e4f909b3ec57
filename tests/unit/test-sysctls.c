// SPDX-License-Identifier: MIT
/*
 * sysctls: the knobs' paths, what is written back, the host refusal, the
 * guest kernel's config check and the guest check on a fake /proc + /sys
 * tree (a temporary directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "profile.h"
#include "sysctls.h"
#include "util.h"

static struct profile *parse(const char *text)
{
	struct profile_error e;
	struct profile *p = NULL;

	if (profile_parse_string("t.ini", text, &p, &e) < 0) {
		char buf[512];

		fail_msg("%s", profile_error_str(&e, buf, sizeof(buf)));
	}
	return p;
}

/* A fresh file (write_file_str neither creates nor truncates: it writes
 * into /proc and /sys files) */
static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static const char *parse_err(const char *text, char *buf, size_t len)
{
	struct profile_error e = { 0 };
	struct profile *p = NULL;

	if (profile_parse_string("t.ini", text, &p, &e) == 0) {
		profile_free(p);
		return NULL;
	}
	return profile_error_str(&e, buf, len);
}

#define KNOBS                                                    \
	"[profile]\nmemory_limit = 64M\nneeds = vm\n"            \
	"sysfs.kernel.mm.lru_gen.enabled = 0x0007\n"             \
	"sysctl.vm.swappiness = 180\n"                           \
	"sysctl.vm.watermark_scale_factor = 200\n"               \
	"sysfs.kernel.mm.transparent_hugepage.enabled = never\n" \
	"[worker a]\nsize = 10M\n"

static void test_parse_and_paths(void **state)
{
	struct profile *p = parse(KNOBS);
	char path[256];

	assert_int_equal(p->nsysctls, 4);
	assert_true(p->sysctls[0].sysfs);
	assert_string_equal(p->sysctls[0].value, "0x0007");
	assert_int_equal(p->sysctls[0].line, 4);
	assert_false(p->sysctls[1].sysfs);
	assert_int_equal(knob_path(&p->sysctls[0], NULL, path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/kernel/mm/lru_gen/enabled");
	assert_int_equal(knob_path(&p->sysctls[1], "/r", path, sizeof(path)), 0);
	assert_string_equal(path, "/r/proc/sys/vm/swappiness");
	assert_int_equal(knob_path(&p->sysctls[3], "", path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/kernel/mm/transparent_hugepage/enabled");
	profile_free(p);
}

static void test_bad_knobs(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "sysfs.block.zram0.disksize = 1", "only kernel.mm.* sysfs knobs" },
		{ "sysfs.kernel.mm..x = 1", "empty component" },
		{ "sysfs.kernel.mm.lru_gen.enabled = maybe", "y, n or the capability bits" },
		{ "sysfs.kernel.mm.lru_gen.enabled = 0xzz", "y, n or the capability bits" },
		{ "sysfs.kernel.mm.transparent_hugepage.enabled = a;b", "';' in a sysfs value" },
		{ "sysctl.vm.swappiness = 201", "0..200" },
		{ "sysctl.vm.watermark_scale_factor = 0", "1..3000" },
		{ "sysctl.vm.swappiness = lots", "not an integer" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256], buf[512];
		const char *e;

		snprintf(text, sizeof(text),
			 "[profile]\nmemory_limit = 64M\n%s\n[worker a]\nsize = 1M\n",
			 cases[i].line);
		e = parse_err(text, buf, sizeof(buf));
		assert_non_null(e);
		if (!strstr(e, "t.ini:3: s") || !strstr(e, cases[i].msg))
			fail_msg("%s: %s", cases[i].line, e);
	}
}

static void test_saved_value(void **state)
{
	char b[64];

	knob_saved_value("always [madvise] never\n", b, sizeof(b));
	assert_string_equal(b, "madvise");
	knob_saved_value("0x0007\n", b, sizeof(b));
	assert_string_equal(b, "0x0007");
	knob_saved_value("60\n", b, sizeof(b));
	assert_string_equal(b, "60");
}

static void test_host_refusal(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 64M\nsysctl.vm.swappiness = 10\n"
				  "[worker a]\nsize = 10M\n");
	struct profile *vm = parse(KNOBS);
	struct profile *none = parse("[profile]\nmemory_limit = 64M\n[worker a]\nsize = 10M\n");
	struct profile_error e = { 0 };
	char buf[512];

	assert_int_equal(knobs_check_host(p, &e), -EINVAL);
	profile_error_str(&e, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.ini:3: sysctl.vm.swappiness: only a guest may set this"));
	/* needs = vm: the needs table SKIPs it, as before */
	assert_int_equal(knobs_check_host(vm, &e), 0);
	assert_int_equal(knobs_check_host(none, &e), 0);
	profile_free(p);
	profile_free(vm);
	profile_free(none);
}

static void test_config(void **state)
{
	char dir[] = "/tmp/test-sysctls-XXXXXX", cfg[64], buf[512];
	struct profile *p = parse(KNOBS);
	struct profile_error e = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	/* 5.10's config: no MGLRU */
	assert_int_equal(put(cfg, "CONFIG_TRANSPARENT_HUGEPAGE=y\n"
				  "# CONFIG_LRU_GEN is not set\n"),
			 0);
	assert_int_equal(knobs_check_config(p, cfg, "5.10.0-46-cloud-amd64", &e), -EINVAL);
	profile_error_str(&e, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.ini:4: sysfs.kernel.mm.lru_gen.enabled: the guest kernel "
				    "5.10.0-46-cloud-amd64 has no MGLRU (CONFIG_LRU_GEN"));
	assert_int_equal(put(cfg, "CONFIG_TRANSPARENT_HUGEPAGE=y\nCONFIG_LRU_GEN=y\n"), 0);
	assert_int_equal(knobs_check_config(p, cfg, "6.1", &e), 0);
	assert_int_equal(knobs_check_config(p, NULL, "x", &e), 0);
	unlink(cfg);
	rmdir(dir);
	profile_free(p);
}

static void test_guest(void **state)
{
	char dir[] = "/tmp/test-sysctls-XXXXXX", f[128], buf[512];
	struct profile *p = parse(KNOBS);
	struct profile_error e = { 0 };
	_cleanup_free_ char *back = NULL;
	static const char *const files[] = {
		"sys/kernel/mm/lru_gen/enabled",
		"proc/sys/vm/swappiness",
		"proc/sys/vm/watermark_scale_factor",
		"sys/kernel/mm/transparent_hugepage/enabled",
	};

	assert_non_null(mkdtemp(dir));
	for (unsigned i = 0; i < ARRAY_SIZE(files); i++) {
		char d[128];

		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		snprintf(d, sizeof(d), "%s", f);
		*strrchr(d, '/') = 0;
		assert_int_equal(mkdir_p(d, 0755), 0);
		if (i < 3)
			assert_int_equal(put(f, i == 0 ? "0x0000\n" : "60\n"), 0);
	}
	/* no THP file: the first missing knob is the error */
	assert_int_equal(knobs_check_guest(p, dir, false, &e), -EINVAL);
	profile_error_str(&e, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.ini:7: sysfs.kernel.mm.transparent_hugepage.enabled: no "));
	assert_non_null(strstr(buf, "in this kernel"));
	snprintf(f, sizeof(f), "%s/%s", dir, files[3]);
	assert_int_equal(put(f, "always [madvise] never\n"), 0);
	/* probe: written, then the old value back (the choice, unbracketed) */
	assert_int_equal(knobs_check_guest(p, dir, true, &e), 0);
	assert_int_equal(read_file_str(f, &back), 0);
	/* a regular file is not truncated as sysfs' store replaces: the
	 * last write is at its start */
	assert_memory_equal(back, "madvise", 7);
	free(TAKE_PTR(back));
	snprintf(f, sizeof(f), "%s/%s", dir, files[0]);
	assert_int_equal(read_file_str(f, &back), 0);
	assert_memory_equal(back, "0x0000", 6);
	for (unsigned i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, files[i]);
		unlink(f);
	}
	{
		static const char *const dirs[] = {
			"sys/kernel/mm/lru_gen",
			"sys/kernel/mm/transparent_hugepage",
			"sys/kernel/mm",
			"sys/kernel",
			"sys",
			"proc/sys/vm",
			"proc/sys",
			"proc",
		};
		for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++) {
			snprintf(f, sizeof(f), "%s/%s", dir, dirs[i]);
			rmdir(f);
		}
	}
	assert_int_equal(rmdir(dir), 0);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_paths), cmocka_unit_test(test_bad_knobs),
		cmocka_unit_test(test_saved_value),	cmocka_unit_test(test_host_refusal),
		cmocka_unit_test(test_config),		cmocka_unit_test(test_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
