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
#include <unistd.h>

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

/* A boot snapshot's name: the same machine (only the per-run logs
 * differ) gives the same name; another memory size, kernel file or QEMU
 * gives another. */
static void test_snap_key(void **state)
{
	char dir[] = "/tmp/oomlab-test-snapkey-XXXXXX";
	char kernel[64], initrd[64], qemu[64], k1[64], k2[64], k3[64], cmd[256];
	char s0a[96], s1a[96], s0b[96], s1b[96];

	assert_non_null(mkdtemp(dir));
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
	snprintf(initrd, sizeof(initrd), "%s/base.cpio", dir);
	snprintf(qemu, sizeof(qemu), "%s/qemu", dir);
	snprintf(cmd, sizeof(cmd), "echo k > %s; echo i > %s; cp /bin/true %s", kernel, initrd,
		 qemu);
	assert_int_equal(system(cmd), 0);
	snprintf(s0a, sizeof(s0a), "file:/tmp/oomlab-vm-AAAAAA/console.log");
	snprintf(s1a, sizeof(s1a), "file:/tmp/oomlab-vm-AAAAAA/results.log");
	snprintf(s0b, sizeof(s0b), "file:/tmp/oomlab-vm-BBBBBB/console.log");
	snprintf(s1b, sizeof(s1b), "file:/tmp/oomlab-vm-BBBBBB/results.log");
	{
		/* one machine; then its argv with another run's logs, another memory size */
		char *v[] = { "qemu-system-x86_64",
			      "-m",
			      "256M",
			      "-kernel",
			      kernel,
			      "-initrd",
			      initrd,
			      "-serial",
			      s0a,
			      "-serial",
			      s1a,
			      NULL };

		assert_int_equal(vm_snap_key(v, qemu, k1, sizeof(k1)), 0);
		assert_int_equal(strlen(k1), 32);
		v[8] = s0b;
		v[10] = s1b;
		assert_int_equal(vm_snap_key(v, qemu, k2, sizeof(k2)), 0);
		assert_string_equal(k1, k2);
		v[2] = "416M";
		assert_int_equal(vm_snap_key(v, qemu, k3, sizeof(k3)), 0);
		assert_string_not_equal(k1, k3);
		v[2] = "256M";
		/* a rebuilt kernel at the same path */
		touch_later(kernel);
		assert_int_equal(vm_snap_key(v, qemu, k2, sizeof(k2)), 0);
		assert_string_not_equal(k1, k2);
		/* an upgraded QEMU */
		assert_int_equal(vm_snap_key(v, qemu, k1, sizeof(k1)), 0);
		touch_later(qemu);
		assert_int_equal(vm_snap_key(v, qemu, k3, sizeof(k3)), 0);
		assert_string_not_equal(k1, k3);
		/* too small a buffer */
		assert_int_equal(vm_snap_key(v, qemu, k1, 8), -ENAMETOOLONG);
	}
	vm_rmtree(dir);
}

/* The most recently used snapshots stay, with their consoles; other
 * files in the directory are not ours to remove. */
static void test_snap_prune(void **state)
{
	char dir[] = "/tmp/oomlab-test-snapprune-XXXXXX";
	char p[128];
	struct stat st;

	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 4; i++) {
		struct timespec ts[2] = { { .tv_sec = 1000000 + i }, { .tv_sec = 1000000 + i } };

		snprintf(p, sizeof(p), "%s/%032d.snap", dir, i);
		assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
		assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
		snprintf(p, sizeof(p), "%s/%032d.console", dir, i);
		assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
	}
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0644)), 0);
	vm_snap_prune(dir, 2);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%032d.snap", dir, i);
		assert_int_equal(stat(p, &st) == 0, i >= 2);
		snprintf(p, sizeof(p), "%s/%032d.console", dir, i);
		assert_int_equal(stat(p, &st) == 0, i >= 2);
	}
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	assert_int_equal(stat(p, &st), 0);
	vm_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_key),
		cmocka_unit_test(test_snap_key),
		cmocka_unit_test(test_snap_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
