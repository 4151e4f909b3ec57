// SPDX-License-Identifier: MIT
/*
 * The KVM probe's cache key: it must change whenever /dev/kvm or QEMU's
 * binary could answer differently, and stay put otherwise. A regular
 * file stands in for /dev/kvm (same fields: device, inode, ctime) and a
 * copy of /bin/true for QEMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

static void touch_later(const char *path)
{
	struct timespec ts[2] = { { .tv_sec = time(NULL) + 5 }, { .tv_sec = time(NULL) + 5 } };

	/* utimensat changes ctime to now and mtime to what we say */
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_probe_key(void **state)
{
	char dir[] = "/tmp/oomlab-test-kvmkey-XXXXXX";
	char kvm[64], qemu[64], k1[PATH_MAX + 256], k2[PATH_MAX + 256], k3[PATH_MAX + 256];
	char cmd[256];

	assert_non_null(mkdtemp(dir));
	snprintf(kvm, sizeof(kvm), "%s/kvm", dir);
	snprintf(qemu, sizeof(qemu), "%s/qemu", dir);
	close(open(kvm, O_CREAT | O_WRONLY, 0600));
	close(open(qemu, O_CREAT | O_WRONLY, 0755));
	assert_int_equal(vm_kvm_probe_key(kvm, qemu, k1, sizeof(k1)), 0);
	assert_int_equal(vm_kvm_probe_key(kvm, qemu, k2, sizeof(k2)), 0);
	assert_string_equal(k1, k2);
	assert_non_null(strstr(k1, qemu));

	/* QEMU upgraded: another size and mtime */
	assert_int_equal(write_file_str(qemu, "new qemu"), 0);
	touch_later(qemu);
	assert_int_equal(vm_kvm_probe_key(kvm, qemu, k2, sizeof(k2)), 0);
	assert_string_not_equal(k1, k2);

	/* /dev/kvm recreated: another inode */
	unlink(kvm);
	snprintf(cmd, sizeof(cmd), "%s.other", kvm);
	close(open(cmd, O_CREAT | O_WRONLY, 0600));
	close(open(kvm, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(vm_kvm_probe_key(kvm, qemu, k3, sizeof(k3)), 0);
	assert_string_not_equal(k2, k3);

	/* no /dev/kvm: no key (and no probe) */
	unlink(kvm);
	assert_int_equal(vm_kvm_probe_key(kvm, qemu, k3, sizeof(k3)), -ENOENT);
	unlink(cmd);
	unlink(qemu);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
