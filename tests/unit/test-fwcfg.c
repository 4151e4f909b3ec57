// SPDX-License-Identifier: MIT
/*
 * fw_cfg's file directory, as QEMU 7.2's pc machine served it to a real
 * guest: tests/fixtures/vm/fwcfg-dir-qemu-7.2-pc.b64 is what
 * `oomlab-fwcfg --raw-dir` read inside a VM-mode boot (the machine's own
 * files, then the three that oomlab adds), base64.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fwcfg.h"
#include "util.h"
#include "vm.h"

static char *fixture(size_t *ret_len)
{
	_cleanup_free_ char *text = NULL;
	char *raw;

	assert_int_equal(read_file_str("tests/fixtures/vm/fwcfg-dir-qemu-7.2-pc.b64", &text), 0);
	assert_int_equal(vm_base64_decode(text, strlen(text), &raw, ret_len), 0);
	return raw;
}

static void test_dir_real(void **state)
{
	struct fwcfg_file f[64];
	const struct fwcfg_file *x;
	unsigned n;
	size_t len;
	_cleanup_free_ char *raw = fixture(&len);

	assert_int_equal(len, 4 + 16 * FWCFG_DIR_ENTRY);
	assert_int_equal(fwcfg_dir_parse(raw, len, f, 64, &n), 0);
	assert_int_equal(n, 16);
	assert_string_equal(f[0].name, "bios-geometry");
	/* file selectors start at 0x20 (FW_CFG_FILE_FIRST) */
	assert_int_equal(f[0].select, 0x20);
	x = fwcfg_dir_find(f, n, "etc/e820");
	assert_non_null(x);
	assert_int_equal(x->size, 40); /* two e820 entries of 20 bytes */
	x = fwcfg_dir_find(f, n, "opt/oomlab/bundle");
	assert_non_null(x);
	assert_int_equal(x->size, 2048); /* the profile's cpio, padded to 512 */
	x = fwcfg_dir_find(f, n, "opt/oomlab/seed");
	assert_non_null(x);
	assert_int_equal(x->size, 32);
	assert_int_equal(x->select, f[15].select);
	assert_null(fwcfg_dir_find(f, n, "opt/oomlab"));
	assert_null(fwcfg_dir_find(f, n, "opt/oomlab/bundle2"));
}

static void test_dir_bad(void **state)
{
	struct fwcfg_file f[64];
	unsigned n = 99;
	size_t len;
	_cleanup_free_ char *raw = fixture(&len);

	/* shorter than its count says: a torn or truncated read */
	assert_int_equal(fwcfg_dir_parse(raw, len - 1, f, 64, &n), -EINVAL);
	assert_int_equal(fwcfg_dir_parse(raw, 3, f, 64, &n), -EINVAL);
	/* room for fewer entries than it holds: those, and the count */
	assert_int_equal(fwcfg_dir_parse(raw, len, f, 4, &n), 0);
	assert_int_equal(n, 16);
	assert_string_equal(f[3].name, "etc/acpi/tables");
	/* an empty directory */
	assert_int_equal(fwcfg_dir_parse("\0\0\0\0", 4, f, 64, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_real),
		cmocka_unit_test(test_dir_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
