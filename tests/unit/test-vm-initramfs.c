// SPDX-License-Identifier: MIT
/*
 * The cpio newc writer, read back by an independent reader written to
 * the kernel's buffer-format.rst (header, 4-byte alignment, trailer), and
 * the ldd parser on the real output of `ldd build/oomlab` (Debian 12).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
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
	assert_int_equal(cpio_add_file(c, "fixture", 0644,
				       "tests/fixtures/vm/ldd-oomlab.txt"), 0);
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
				       .guest_path = "profiles/x.ini", .swap = 64 * MIB };
	struct vm_kernel k = { .nmodules = 0 };
	struct vm_initramfs_spec s = {
		.busybox = "/bin/busybox", .oomlab = "/bin/busybox", .worker = "/bin/busybox",
		.init_script = "tests/fixtures/vm/ldd-oomlab.txt", .kernel = &k,
		.profiles = &gp, .nprofiles = 1,
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
		cmocka_unit_test(test_ldd_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
