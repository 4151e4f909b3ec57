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
	assert_true(pos(k, "/kernel/mm/zsmalloc.ko") < pos(k, "/kernel/drivers/block/zram/zram.ko"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_zram),
		cmocka_unit_test(test_pick_missing),
		cmocka_unit_test(test_cache_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
