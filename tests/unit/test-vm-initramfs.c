// SPDX-License-Identifier: MIT
/*
 * The cpio newc writer, read back by an independent reader written to
 * the kernel's buffer-format.rst (header, 4-byte alignment, trailer), and
 * the ldd parser on the real output of `ldd build/oomlab` (Debian 12).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

struct entry {
	char name[256];
	unsigned mode;
	unsigned rmaj, rmin;
	size_t size;
	const char *data;
};

static unsigned long hex8(const char *p)
{
	char b[9];

	memcpy(b, p, 8);
	b[8] = '\0';
	return strtoul(b, NULL, 16);
}

/* Returns the number of entries before TRAILER!!!, -1 on a format error. */
static int read_newc(const char *buf, size_t len, struct entry *e, int max)
{
	size_t off = 0;
	int n = 0;

	while (off + 110 <= len) {
		size_t namesize, size;

		if (memcmp(buf + off, "070701", 6))
			return -1;
		namesize = hex8(buf + off + 94);
		size = hex8(buf + off + 54);
		if (buf[off + 110 + namesize - 1] != '\0')
			return -1;
		if (!strcmp(buf + off + 110, "TRAILER!!!"))
			return n;
		if (n >= max)
			return -1;
		snprintf(e[n].name, sizeof(e[n].name), "%s", buf + off + 110);
		e[n].mode = (unsigned)hex8(buf + off + 14);
		e[n].rmaj = (unsigned)hex8(buf + off + 78);
		e[n].rmin = (unsigned)hex8(buf + off + 86);
		e[n].size = size;
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		e[n].data = buf + off;
		off = (off + size + 3) & ~(size_t)3;
		n++;
	}
	return -1;
}

static const struct entry *find(const struct entry *e, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

static void test_cpio_roundtrip(void **state)
{
	char path[] = "/tmp/oomlab-test-cpio-XXXXXX";
	int fd = mkstemp(path);
	struct cpio *c;
	_cleanup_free_ char *buf = NULL;
	struct entry e[32];
	const struct entry *x;
	struct stat st;
	FILE *f;
	int n;

	assert_true(fd >= 0);
	assert_int_equal(cpio_new(fd, &c), 0);
	assert_int_equal(cpio_add_dir(c, "/etc/oomlab", 0755), 0);
	assert_int_equal(cpio_add_data(c, "etc/oomlab/manifest", 0644, "0 0 a.ini\n", 10), 0);
	assert_int_equal(cpio_add_data(c, "a/b/c/odd", 0600, "xyz", 3), 0);
	assert_int_equal(cpio_add_symlink(c, "bin/sh", "busybox"), 0);
	assert_int_equal(cpio_add_file(c, "fixture", 0644, "tests/fixtures/vm/ldd-oomlab.txt"), 0);
	assert_int_equal(cpio_add_file(c, "missing", 0644, "/nonexistent/x"), -ENOENT);
	assert_int_equal(cpio_finish(c), 0);
	close(fd);

	f = fopen(path, "r");
	assert_non_null(f);
	fstat(fileno(f), &st);
	/* padded to 512-byte blocks as cpio(1) writes them */
	assert_int_equal(st.st_size % 512, 0);
	buf = malloc((size_t)st.st_size);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	unlink(path);

	n = read_newc(buf, (size_t)st.st_size, e, 32);
	/* etc, etc/oomlab, manifest, a, a/b, a/b/c, odd, bin, bin/sh, fixture */
	assert_int_equal(n, 10);
	assert_string_equal(e[0].name, "etc");
	assert_true(S_ISDIR(e[0].mode));
	x = find(e, n, "etc/oomlab/manifest");
	assert_non_null(x);
	assert_int_equal(x->mode, S_IFREG | 0644);
	assert_memory_equal(x->data, "0 0 a.ini\n", 10);
	assert_non_null(find(e, n, "a/b"));
	x = find(e, n, "a/b/c/odd");
	assert_int_equal(x->size, 3);
	assert_memory_equal(x->data, "xyz", 3);
	x = find(e, n, "bin/sh");
	assert_true(S_ISLNK(x->mode));
	assert_memory_equal(x->data, "busybox", 7);
	x = find(e, n, "fixture");
	assert_memory_equal(x->data, "\tlinux-vdso.so.1", 16);
}

static char *slurp(const char *path, size_t *ret_len)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	char *buf;

	assert_non_null(f);
	fstat(fileno(f), &st);
	buf = malloc((size_t)st.st_size + 1);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*ret_len = (size_t)st.st_size;
	return buf;
}

static void test_initramfs_console_node(void **state)
{
	/* the whole build needs real binaries; the part that needs no root
	 * and is easy to get wrong is /dev/console as a character device */
	char path[] = "/tmp/oomlab-test-cpio-XXXXXX";
	int fd = mkstemp(path);
	struct vm_guest_profile gp = { .host_path = "tests/fixtures/vm/ldd-oomlab.txt",
				       .guest_path = "profiles/x.ini",
				       .swap = 64 * MIB };
	struct vm_kernel k = { .nmodules = 0 };
	struct vm_initramfs_spec s = {
		.busybox = "/bin/busybox",
		.oomlab = "/bin/busybox",
		.worker = "/bin/busybox",
		.init_script = "tests/fixtures/vm/ldd-oomlab.txt",
		.kernel = &k,
		.profiles = &gp,
		.nprofiles = 1,
	};
	char err[256];
	_cleanup_free_ char *buf = NULL;
	struct entry e[128];
	const struct entry *x;
	struct stat st;
	FILE *f;
	int n;

	close(fd);
	if (access("/bin/busybox", X_OK) < 0)
		skip();
	assert_int_equal(vm_initramfs_build(&s, path, err, sizeof(err)), 0);
	f = fopen(path, "r");
	fstat(fileno(f), &st);
	buf = malloc((size_t)st.st_size);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	unlink(path);
	n = read_newc(buf, (size_t)st.st_size, e, 128);
	assert_true(n > 0);
	x = find(e, n, "dev/console");
	assert_non_null(x);
	assert_true(S_ISCHR(x->mode));
	assert_int_equal(x->rmaj, 5);
	assert_int_equal(x->rmin, 1);
	x = find(e, n, "init");
	assert_int_equal(x->mode & 0777, 0755);
	assert_non_null(find(e, n, "bin/oomlab-worker"));
	assert_non_null(find(e, n, "bin/cpio")); /* init.sh unpacks the bundle */
	/* the profiles come in the bundle, never in the base */
	assert_null(find(e, n, "etc/oomlab/manifest"));
	assert_null(find(e, n, "profiles/x.ini"));
}

/* The bundle: the profiles, their manifest and the boot's parameters, a
 * cpio archive on its own (what the guest reads from fw_cfg). */
static void test_initramfs_bundle(void **state)
{
	char path[] = "/tmp/oomlab-test-bundle-XXXXXX";
	int fd = mkstemp(path);
	struct vm_guest_profile gp[2] = {
		{ .host_path = "tests/fixtures/vm/ldd-oomlab.txt",
		  .guest_path = "profiles/0/x.ini",
		  .swap = 64 * MIB },
		{ .host_path = "tests/fixtures/vm/ldd-oomlab.txt",
		  .guest_path = "profiles/1/y.ini" },
	};
	struct vm_initramfs_spec s = { .profiles = gp, .nprofiles = 2 };
	char err[256];
	_cleanup_free_ char *buf = NULL, *want = NULL;
	struct entry e[16];
	const struct entry *x;
	size_t len;
	int n;

	close(fd);
	assert_int_equal(vm_initramfs_bundle(&s, "oomlab.cmd=bench oomlab.repeat=3\n", path, err,
					     sizeof(err)),
			 0);
	buf = slurp(path, &len);
	unlink(path);
	n = read_newc(buf, len, e, 16);
	assert_true(n > 0);
	assert_null(find(e, n, "init"));
	x = find(e, n, "etc/oomlab/manifest");
	assert_non_null(x);
	assert_memory_equal(x->data, "0 67108864 profiles/0/x.ini\n1 0 profiles/1/y.ini\n",
			    x->size);
	x = find(e, n, "etc/oomlab/params");
	assert_non_null(x);
	assert_memory_equal(x->data, "oomlab.cmd=bench oomlab.repeat=3\n", x->size);
	x = find(e, n, "profiles/1/y.ini");
	assert_non_null(x);
	assert_int_equal(read_file_str("tests/fixtures/vm/ldd-oomlab.txt", &want), 0);
	assert_int_equal(x->size, strlen(want));
	assert_memory_equal(x->data, want, x->size);
	/* an unreadable profile: the error names it */
	gp[1].host_path = "/nonexistent/z.ini";
	assert_int_equal(vm_initramfs_bundle(&s, "", path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/z.ini"));
	unlink(path);
}

static void write_str(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static unsigned count_cpio(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	while (d && (de = readdir(d)))
		n += strlen(de->d_name) > 5 &&
		     !strcmp(de->d_name + strlen(de->d_name) - 5, ".cpio");
	if (d)
		closedir(d);
	return n;
}

/* The base comes from the cache when busybox, init, oomlab, the worker,
 * the modules and the libraries are unchanged, whatever the profiles (they
 * are the bundle's); a changed init makes a new base. */
static void test_initramfs_cached(void **state)
{
	char dir[] = "/tmp/oomlab-test-icache-XXXXXX";
	char cache[64], out1[64], out2[64], init[64], prof[64], err[256];
	struct vm_guest_profile gp = { .guest_path = "profiles/x.ini" };
	struct vm_kernel k = { .nmodules = 0 };
	struct vm_initramfs_spec s = {
		.busybox = "/bin/busybox",
		.oomlab = "/bin/busybox",
		.worker = "/bin/busybox",
		.init_script = init,
		.kernel = &k,
		.profiles = &gp,
		.nprofiles = 1,
	};
	_cleanup_free_ char *a = NULL, *b = NULL, *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL;
	struct entry e[128];
	size_t la, lb;
	bool hit;
	int n;

	if (access("/bin/busybox", X_OK) < 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	snprintf(out1, sizeof(out1), "%s/1.cpio", dir);
	snprintf(out2, sizeof(out2), "%s/2.cpio", dir);
	snprintf(init, sizeof(init), "%s/init.sh", dir);
	snprintf(prof, sizeof(prof), "%s/x.ini", dir);
	write_str(init, "#!/bin/sh\necho one\n");
	write_str(prof, "[profile]\n");
	gp.host_path = prof;

	assert_int_equal(vm_initramfs_build_cached(&s, cache, out1, &p1, &hit, err, sizeof(err)),
			 0);
	assert_false(hit);
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &p2, &hit, err, sizeof(err)),
			 0);
	assert_true(hit);
	/* a file of the cache, named by its key; out is not written */
	assert_string_equal(p1, p2);
	assert_ptr_equal(strstr(p1, cache), p1);
	assert_int_equal(access(out1, F_OK), -1);
	a = slurp(p1, &la);
	n = read_newc(a, la, e, 128);
	assert_true(n > 0);
	assert_non_null(find(e, n, "dev/console"));
	assert_non_null(find(e, n, "init"));
	assert_null(find(e, n, "etc/oomlab/manifest"));

	/* another profile: the same base from the cache */
	write_str(prof, "[profile]\n; changed\n");
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &p3, &hit, err, sizeof(err)),
			 0);
	assert_true(hit);
	assert_string_equal(p1, p3);
	assert_int_equal(count_cpio(cache), 1);

	/* another init: a new base */
	write_str(init, "#!/bin/sh\necho two\n");
	free(p3);
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &p3, &hit, err, sizeof(err)),
			 0);
	assert_false(hit);
	assert_string_not_equal(p1, p3);
	assert_int_equal(count_cpio(cache), 2);
	b = slurp(p3, &lb);
	assert_true(la != lb || memcmp(a, b, la));

	/* no cache dir: a plain build into out */
	assert_int_equal(vm_initramfs_build_cached(&s, NULL, out2, &p4, &hit, err, sizeof(err)), 0);
	assert_false(hit);
	assert_string_equal(p4, out2);
	assert_int_equal(access(out2, R_OK), 0);
	vm_rmtree(dir);
}

static void test_ldd_parse(void **state)
{
	_cleanup_free_ char *text = NULL;
	char **v;
	unsigned n;

	assert_int_equal(read_file_str("tests/fixtures/vm/ldd-oomlab.txt", &text), 0);
	assert_int_equal(vm_ldd_parse(text, &v, &n), 0);
	/* 6 libraries and the interpreter; not linux-vdso */
	assert_int_equal(n, 7);
	assert_string_equal(v[0], "/lib/x86_64-linux-gnu/libcgroup.so.2");
	assert_string_equal(v[6], "/lib64/ld-linux-x86-64.so.2");
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
	assert_int_equal(vm_ldd_parse("\tlibfoo.so.1 => not found\n", &v, &n), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpio_roundtrip),
		cmocka_unit_test(test_initramfs_console_node),
		cmocka_unit_test(test_initramfs_bundle),
		cmocka_unit_test(test_initramfs_cached),
		cmocka_unit_test(test_ldd_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
