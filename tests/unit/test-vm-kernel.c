// SPDX-License-Identifier: MIT
/*
 * Module selection from a real modules.dep (Debian 6.1.0-56-cloud-amd64,
 * made by depmod from the .deb): the zram stack in an order insmod
 * accepts, dependencies first.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

#define DEP "tests/fixtures/vm/modules.dep-6.1.0-56-cloud-amd64"

static int pos(const struct vm_kernel *k, const char *suffix)
{
	for (unsigned i = 0; i < k->nmodules; i++) {
		size_t a = strlen(k->modules[i]), b = strlen(suffix);

		if (a >= b && !strcmp(k->modules[i] + a - b, suffix))
			return (int)i;
	}
	return -1;
}

static void test_pick_zram(void **state)
{
	struct vm_kernel *k = calloc(1, sizeof(*k));

	assert_int_equal(vm_kernel_pick_modules("/m", DEP, k), 0);
	assert_int_equal(k->nmodules, 5);
	assert_true(pos(k, "/kernel/crypto/lzo-rle.ko") >= 0);
	/* lz4 needs lz4_compress, zram needs zsmalloc: dependencies first */
	assert_true(pos(k, "/kernel/lib/lz4/lz4_compress.ko") < pos(k, "/kernel/crypto/lz4.ko"));
	assert_true(pos(k, "/kernel/mm/zsmalloc.ko") <
		    pos(k, "/kernel/drivers/block/zram/zram.ko"));
	/* zram last: its default compressor must be there when it loads */
	assert_int_equal(pos(k, "/kernel/drivers/block/zram/zram.ko"), 4);
	assert_string_equal(k->modules[4], "/m/kernel/drivers/block/zram/zram.ko");
	/* lz4hc.ko is not lz4.ko */
	assert_int_equal(pos(k, "lz4hc.ko"), -1);
	free(k);
}

static void test_pick_missing(void **state)
{
	struct vm_kernel k = { 0 };

	assert_int_equal(vm_kernel_pick_modules("/m", "tests/fixtures/vm/ldd-oomlab.txt", &k),
			 -ENOENT);
	assert_int_equal(k.nmodules, 0);
	assert_int_equal(vm_kernel_pick_modules("/m", "/nonexistent", &k), -ENOENT);
}

static void test_cache_dir(void **state)
{
	char *d;

	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	assert_int_equal(vm_kernel_cache_dir(&d), 0);
	assert_string_equal(d, "/x/cache/oomlab/kernels");
	free(d);
	/* relative XDG_CACHE_HOME is invalid per the XDG spec: ignored */
	setenv("XDG_CACHE_HOME", "rel", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(vm_kernel_cache_dir(&d), 0);
	assert_string_equal(d, "/home/u/.cache/oomlab/kernels");
	free(d);
}

#define SEARCH "tests/fixtures/vm/apt-search-linux-image-cloud.txt"

/* `apt-cache --names-only search '^linux-image-[0-9].*-cloud-amd64$'` with
 * oomlab's own sources (bullseye to sid), captured 2026-12-01 */
static void test_pick_series(void **state)
{
	static const struct {
		const char *spec, *want;
	} c[] = {
		{ "5.10", "5.10.0-46-cloud-amd64" },
		/* 6.1 is not 6.12; 6.1.0-57 is newer than bullseye's 6.1.0-0.deb11.52 */
		{ "6.1", "6.1.0-57-cloud-amd64" },
		{ "6.12", "6.12.118+deb13-cloud-amd64" },
		{ "7", "7.2.13+deb14-cloud-amd64" },
		{ "7.2", "7.2.13+deb14-cloud-amd64" },
		{ "6.1.0-47-cloud-amd64", "6.1.0-47-cloud-amd64" },
	};
	_cleanup_free_ char *text = NULL;
	char *cached[] = { "6.1.0-56-cloud-amd64", "5.10.0-99-cloud-amd64", "bzImage" };
	char v[128];

	assert_int_equal(read_file_str(SEARCH, &text), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		assert_int_equal(vm_kernel_pick(text, c[i].spec, NULL, 0, v, sizeof(v)), 0);
		assert_string_equal(v, c[i].want);
	}
	/* a newer cached kernel of the series wins; an older one does not */
	assert_int_equal(vm_kernel_pick(text, "5.10", cached, 3, v, sizeof(v)), 0);
	assert_string_equal(v, "5.10.0-99-cloud-amd64");
	assert_int_equal(vm_kernel_pick(text, "6.1", cached, 3, v, sizeof(v)), 0);
	assert_string_equal(v, "6.1.0-57-cloud-amd64");
	/* offline: the cache alone */
	assert_int_equal(vm_kernel_pick(NULL, "6.1", cached, 3, v, sizeof(v)), 0);
	assert_string_equal(v, "6.1.0-56-cloud-amd64");
	/* no suite serves 4.19 (buster is gone) */
	assert_int_equal(vm_kernel_pick(text, "4.19", cached, 3, v, sizeof(v)), -ENOENT);
	assert_int_equal(vm_kernel_pick(text, "6", NULL, 0, v, sizeof(v)), 0);
	assert_string_equal(v, "6.12.118+deb13-cloud-amd64");
}

static void test_served(void **state)
{
	_cleanup_free_ char *text = NULL;
	char buf[512];

	assert_int_equal(read_file_str(SEARCH, &text), 0);
	vm_kernel_served(text, buf, sizeof(buf));
	assert_string_equal(buf,
			    "5.10 (5.10.0-46-cloud-amd64), 6.1 (6.1.0-57-cloud-amd64), "
			    "6.12 (6.12.118+deb13-cloud-amd64), 7.2 (7.2.13+deb14-cloud-amd64)");
}

static void test_version_cmp(void **state)
{
	assert_true(vm_kernel_version_cmp("6.1.0-57", "6.1.0-0.deb11.52") > 0);
	assert_true(vm_kernel_version_cmp("6.12.118+deb13", "6.12.117+deb13") > 0);
	assert_true(vm_kernel_version_cmp("6.12.115+deb13.1", "6.12.115+deb13") > 0);
	assert_true(vm_kernel_version_cmp("6.12.9", "6.12.10") < 0);
	assert_true(vm_kernel_version_cmp("7.0~rc1", "7.0") < 0);
	assert_int_equal(vm_kernel_version_cmp("5.10.0-46", "5.10.0-46"), 0);
}

/* `apt-cache show --no-all-versions linux-image-VER`, captured: sid's
 * image depends on linux-binary-VER and linux-modules-VER, bookworm's is
 * the whole kernel */
static void test_packages(void **state)
{
	_cleanup_free_ char *sid = NULL, *bookworm = NULL;
	char pk[4][160];
	unsigned n = 0;

	assert_int_equal(read_file_str("tests/fixtures/vm/apt-show-linux-image-7.2.13+deb14-"
				       "cloud-amd64.txt",
				       &sid),
			 0);
	assert_int_equal(vm_kernel_packages(sid, "7.2.13+deb14-cloud-amd64", pk, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(pk[0], "linux-image-7.2.13+deb14-cloud-amd64");
	assert_string_equal(pk[1], "linux-binary-7.2.13+deb14-cloud-amd64");
	assert_string_equal(pk[2], "linux-modules-7.2.13+deb14-cloud-amd64");
	assert_int_equal(read_file_str("tests/fixtures/vm/apt-show-linux-image-6.1.0-57-"
				       "cloud-amd64.txt",
				       &bookworm),
			 0);
	assert_int_equal(vm_kernel_packages(bookworm, "6.1.0-57-cloud-amd64", pk, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pk[0], "linux-image-6.1.0-57-cloud-amd64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_zram), cmocka_unit_test(test_pick_missing),
		cmocka_unit_test(test_cache_dir), cmocka_unit_test(test_pick_series),
		cmocka_unit_test(test_served),	  cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_packages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
