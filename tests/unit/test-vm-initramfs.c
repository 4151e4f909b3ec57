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
	x = find(e, n, "etc/oomlab/manifest");
	assert_non_null(x);
	assert_memory_equal(x->data, "0 67108864 profiles/x.ini\n", x->size);
	assert_non_null(find(e, n, "profiles/x.ini"));
	assert_non_null(find(e, n, "bin/oomlab-worker"));
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

/* The second archive of a concatenation: after the first TRAILER!!! and
 * its zero padding (the kernel skips zeros between archives). */
static const char *second_archive(const char *buf, size_t len)
{
	size_t off = 0;

	/* walk the headers (busybox itself contains the string TRAILER!!!) */
	while (off + 110 <= len) {
		size_t namesize = hex8(buf + off + 94), size = hex8(buf + off + 54);
		bool trailer = !strcmp(buf + off + 110, "TRAILER!!!");

		assert_memory_equal(buf + off, "070701", 6);
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		off = (off + size + 3) & ~(size_t)3;
		if (trailer)
			break;
	}
	while (off < len && buf[off] == '\0')
		off++;
	assert_true(off + 6 < len);
	assert_memory_equal(buf + off, "070701", 6);
	return buf + off;
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

/* The base part comes from the cache when busybox, init, oomlab, the
 * worker, the modules and the libraries are unchanged, whatever the
 * profiles; a changed init makes a new base. */
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
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
	struct entry e[128];
	const struct entry *x;
	size_t la, lb, lc;
	const char *sec;
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

	assert_int_equal(vm_initramfs_build_cached(&s, cache, out1, &hit, err, sizeof(err)), 0);
	assert_false(hit);
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &hit, err, sizeof(err)), 0);
	assert_true(hit);
	a = slurp(out1, &la);
	b = slurp(out2, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	/* first archive: the base, no profiles; second: profiles + manifest */
	n = read_newc(a, la, e, 128);
	assert_true(n > 0);
	assert_non_null(find(e, n, "dev/console"));
	assert_non_null(find(e, n, "init"));
	assert_null(find(e, n, "etc/oomlab/manifest"));
	sec = second_archive(a, la);
	n = read_newc(sec, la - (size_t)(sec - a), e, 128);
	assert_true(n > 0);
	x = find(e, n, "etc/oomlab/manifest");
	assert_non_null(x);
	assert_memory_equal(x->data, "0 0 profiles/x.ini\n", x->size);
	x = find(e, n, "profiles/x.ini");
	assert_memory_equal(x->data, "[profile]\n", x->size);

	/* another profile: the same base from the cache */
	write_str(prof, "[profile]\n; changed\n");
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &hit, err, sizeof(err)), 0);
	assert_true(hit);
	c = slurp(out2, &lc);
	sec = second_archive(c, lc);
	n = read_newc(sec, lc - (size_t)(sec - c), e, 128);
	x = find(e, n, "profiles/x.ini");
	assert_memory_equal(x->data, "[profile]\n; changed\n", x->size);
	assert_int_equal(count_cpio(cache), 1);

	/* another init: a new base */
	write_str(init, "#!/bin/sh\necho two\n");
	assert_int_equal(vm_initramfs_build_cached(&s, cache, out2, &hit, err, sizeof(err)), 0);
	assert_false(hit);
	assert_int_equal(count_cpio(cache), 2);

	/* no cache dir: a plain build */
	assert_int_equal(vm_initramfs_build_cached(&s, NULL, out2, &hit, err, sizeof(err)), 0);
	assert_false(hit);
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
		cmocka_unit_test(test_initramfs_cached),
		cmocka_unit_test(test_ldd_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
