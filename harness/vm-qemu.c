// SPDX-License-Identifier: MIT
/*
 * QEMU: one boot, its serial ports as files, an outer timeout, and QEMU
 * ended (by the PID we started) on every path out.
 *
 * -M pc, not microvm: measured here with the Debian cloud kernel under
 * TCG, pc boots to /init and exits in 3.2-3.3 s, microvm,acpi=off in
 * 5.9 s, q35 in 6.2 s; and microvm has one ISA serial port, we need two.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "child.h"
#include "util.h"
#include "vm.h"

volatile int vm_interrupted;

/*
 * panic=-1 + reboot=t + -no-reboot: a panic or a reboot ends QEMU at once
 * (triple fault, no firmware reboot). oops=panic: an oops in the guest is
 * a broken run, not a hang. no_timer_check: the kernel's IO-APIC timer
 * check counts ticks in a short window, which a loaded TCG host misses
 * (6.12 panicked "IO-APIC + timer doesn't work!" here, two guests at once
 * on 2 cores). printk.devkmsg=on: oomlab writes its markers
 * to /dev/kmsg, which is rate-limited by default. mitigations=off: no
 * guest to protect, and TCG pays for every barrier.
 */
#define BASE_APPEND                                                                   \
	"console=ttyS0 panic=-1 reboot=t oops=panic quiet loglevel=4 no_timer_check " \
	"printk.devkmsg=on mitigations=off oomlab.guest=1"

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

#define QBOOT_ROM "/usr/share/qemu/qboot.rom"

/* Start QEMU into *cp; its stdout and stderr go to log (NULL: nowhere). */
static int start_qemu(const struct vm_qemu_opts *o, const char *accel_cpu, const char *append,
		      const char *log, struct child_process *cp)
{
	char mem[32], cpus[16], s0[PATH_MAX + 8], s1[PATH_MAX + 8];
	const char *argv[40];
	unsigned n = 0;
	_cleanup_close_ int lf = -1;
	int r;

	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(o->mem / MIB));
	snprintf(cpus, sizeof(cpus), "%u", o->cpus ? o->cpus : 1);
	snprintf(s0, sizeof(s0), "file:%s", o->console_log);
	snprintf(s1, sizeof(s1), "file:%s", o->results_log ? o->results_log : "/dev/null");

	argv[n++] = o->qemu ? o->qemu : "qemu-system-x86_64";
	argv[n++] = "-M";
	argv[n++] = "pc";
	argv[n++] = "-nodefaults";
	/* qboot: a minimal firmware that jumps straight to the kernel; SeaBIOS
	 * spends ~0.5 s under TCG probing what a -nodefaults guest lacks. */
	if (access(QBOOT_ROM, R_OK) == 0) {
		argv[n++] = "-bios";
		argv[n++] = QBOOT_ROM;
	}
	argv[n++] = "-nographic";
	argv[n++] = "-no-reboot";
	argv[n++] = "-accel";
	argv[n++] = accel_cpu;
	/* No -cpu under TCG: with qemu64 (no ERMS, no REP_GOOD) the kernel
	 * clears pages with unrolled movq stores (clear_page_orig); -cpu max
	 * or Skylake-Client-v4 bring ERMS, and QEMU 7.2's TCG runs the
	 * kernel's rep stosb byte by byte: the 160 MiB ramp of
	 * profiles/vm/global-ranking.ini took 0.6 s there against 0.2 s, and
	 * the boot to init 0.1 s longer (measured here). */
	if (!strcmp(accel_cpu, "kvm")) {
		argv[n++] = "-cpu";
		argv[n++] = "host";
	}
	argv[n++] = "-m";
	argv[n++] = mem;
	argv[n++] = "-smp";
	argv[n++] = cpus;
	argv[n++] = "-kernel";
	argv[n++] = o->kernel;
	argv[n++] = "-initrd";
	argv[n++] = o->initrd;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n++] = "-serial";
	argv[n++] = s0;
	argv[n++] = "-serial";
	argv[n++] = s1;
	argv[n++] = "-device";
	argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	argv[n] = NULL;

	if (o->args_out) {
		/* the boot as run, to replay (bench/vm-boot.sh boots the same
		 * machine bare); a debug aid, so a failure to write it is no error */
		_cleanup_fclose_ FILE *f = fopen(o->args_out, "we");

		for (unsigned i = 0; f && i < n; i++)
			fprintf(f, "%s\n", argv[i]);
	}
	if (log) {
		lf = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (lf < 0)
			return -errno;
	}
	*cp = (struct child_process)CHILD_PROCESS_INIT;
	cp->argv = (char *const *)argv;
	cp->in = CHILD_IO_NULL;
	cp->out = lf >= 0 ? CHILD_IO_FD : CHILD_IO_NULL;
	cp->out_fd = lf;
	cp->err_to_out = true;
	/* If oomlab itself is SIGKILLed, QEMU must not outlive it. */
	cp->pdeathsig = true;
	/* Own process group: a terminal's ^C reaches oomlab, which ends QEMU
	 * itself after saving the console log. */
	cp->new_pgrp = true;
	r = child_start(cp);
	if (r < 0)
		child_release(cp);
	return r;
}

/* Kill by pidfd and reap; QEMU needs no goodbye (the logs are files). */
static void end_qemu(struct child_process *cp)
{
	child_kill(cp, SIGKILL);
	cp->deadline_ns = 0;
	cp->interrupted = NULL;
	child_finish(cp);
}

int vm_qemu_run(const struct vm_qemu_opts *o, struct vm_boot *ret)
{
	_cleanup_free_ char *append = NULL;
	char qlog[PATH_MAX + 8];
	struct vm_boot b = { 0 };
	struct child_process cp;
	uint64_t t0 = now_ns();
	int e;

	if (asprintf(&append, "%s%s%s", BASE_APPEND, o->append ? " " : "",
		     o->append ? o->append : "") < 0)
		return -ENOMEM;
	snprintf(qlog, sizeof(qlog), "%s.qemu", o->console_log);
	e = start_qemu(o, o->accel == VM_ACCEL_KVM ? "kvm" : "tcg", append, qlog, &cp);
	if (e < 0)
		return e;
	/* the child API kills QEMU by pidfd at the deadline or on ^C */
	cp.deadline_ns = t0 + o->timeout_ms * 1000000ULL;
	cp.interrupted = &vm_interrupted;
	e = child_finish(&cp);
	b.interrupted = cp.was_interrupted;
	b.timed_out = cp.timed_out && !cp.was_interrupted;
	b.wait_status = cp.status;
	child_release(&cp);
	if (e < 0)
		return e;
	b.wall_ms = (double)(now_ns() - t0) / 1e6;
	*ret = b;
	return 0;
}

bool vm_kvm_probe(const char *kernel, const char *initrd, uint64_t deadline_ms)
{
	const char *td = getenv("TMPDIR");
	char dir[PATH_MAX], con[PATH_MAX + 16];
	struct vm_qemu_opts o = {
		.kernel = kernel,
		.initrd = initrd,
		.mem = 128 * MIB,
		.cpus = 1,
		.console_log = con,
		.results_log = NULL,
	};
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	struct child_process cp;
	bool ok = false;
	uint64_t t0;

	if (fd < 0)
		return false;
	close(fd);
	snprintf(dir, sizeof(dir), "%.4000s/oomlab-kvm-XXXXXX", td && *td == '/' ? td : "/tmp");
	if (!mkdtemp(dir))
		return false;
	snprintf(con, sizeof(con), "%s/console", dir);
	/* earlyprintk: the first console byte comes from the first
	 * milliseconds of the kernel, if the CPU model works at all */
	if (start_qemu(&o, "kvm", "console=ttyS0 earlyprintk=ttyS0 panic=-1 reboot=t", NULL, &cp) ==
	    0) {
		bool running = true;

		t0 = now_ns();
		while (now_ns() - t0 < deadline_ms * 1000000ULL) {
			struct stat sb;

			if (child_try_wait(&cp) != 0) {
				running = false; /* aborted: no KVM */
				break;
			}
			if (stat(con, &sb) == 0 && sb.st_size > 0) {
				ok = true;
				break;
			}
			if (vm_interrupted)
				break;
			sleep_ms(20);
		}
		if (running)
			end_qemu(&cp);
		child_release(&cp);
	}
	unlink(con);
	{
		char q[PATH_MAX + 32];

		snprintf(q, sizeof(q), "%s.qemu", con);
		unlink(q);
	}
	rmdir(dir);
	return ok;
}

/*
 * The probe's answer, remembered per machine: --accel auto spent 1-1.4 s
 * of every boot here probing a /dev/kvm that cannot work (nested PVM).
 * Keyed on what decides it: /dev/kvm's identity (device number, inode,
 * ctime: a module reload or a new device node changes it), QEMU's binary
 * (path, inode, size, mtime: an upgrade re-probes) and the host kernel
 * (uname -r). Any change of the key probes again.
 */
static int qemu_binary(const char *qemu, char *buf, size_t len)
{
	const char *name = qemu ? qemu : "qemu-system-x86_64";
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = NULL;

	if (strchr(name, '/')) {
		snprintf(buf, len, "%s", name);
		return access(buf, X_OK) == 0 ? 0 : -errno;
	}
	copy = strdup(path ? path : "/usr/bin:/bin");
	if (!copy)
		return -ENOMEM;
	for (char *save, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(buf, len, "%s/%s", d, name) < len && access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

int vm_kvm_probe_key(const char *kvm_dev, const char *qemu, char *buf, size_t len)
{
	struct stat kv, qs;
	char qpath[PATH_MAX];
	_cleanup_free_ char *rel = NULL;
	int e;

	if (stat(kvm_dev, &kv) < 0)
		return -errno;
	e = qemu_binary(qemu, qpath, sizeof(qpath));
	if (e < 0)
		return e;
	if (stat(qpath, &qs) < 0)
		return -errno;
	if (read_file_str("/proc/sys/kernel/osrelease", &rel) == 0)
		rel[strcspn(rel, "\n")] = '\0';
	e = snprintf(buf, len, "kvm=%llx:%llu:%lld qemu=%s:%llu:%lld:%lld host=%s",
		     (unsigned long long)kv.st_rdev, (unsigned long long)kv.st_ino,
		     (long long)kv.st_ctime, qpath, (unsigned long long)qs.st_ino,
		     (long long)qs.st_size, (long long)qs.st_mtime, rel ? rel : "?");
	return e < 0 || (size_t)e >= len ? -ENAMETOOLONG : 0;
}

/* <cache>/oomlab/kvm-probe beside <cache>/oomlab/kernels */
static int probe_cache_path(char **ret)
{
	_cleanup_free_ char *k = NULL;
	char *s;
	int e = vm_kernel_cache_dir(&k);

	if (e < 0)
		return e;
	s = strrchr(k, '/');
	if (!s)
		return -EINVAL;
	*s = '\0';
	return asprintf(ret, "%s/kvm-probe", k) < 0 ? -ENOMEM : 0;
}

int vm_kvm_probe_cached(const char *kernel, const char *initrd, uint64_t deadline_ms, bool *ret_ok,
			bool *ret_cached)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *tmp = NULL;
	char key[PATH_MAX + 256];
	bool ok;
	int e;

	*ret_cached = false;
	/* no /dev/kvm: no KVM, nothing to remember */
	if (vm_kvm_probe_key("/dev/kvm", NULL, key, sizeof(key)) < 0) {
		*ret_ok = false;
		return 0;
	}
	if (probe_cache_path(&path) == 0 && read_file_str(path, &text) == 0) {
		size_t kl = strlen(key);

		/* "KEY yes|no\n" */
		if (!strncmp(text, key, kl) && text[kl] == ' ' &&
		    (!strncmp(text + kl + 1, "yes", 3) || !strncmp(text + kl + 1, "no", 2))) {
			*ret_ok = text[kl + 1] == 'y';
			*ret_cached = true;
			return 0;
		}
	}
	ok = vm_kvm_probe(kernel, initrd, deadline_ms);
	*ret_ok = ok;
	/* an interrupted probe says nothing about KVM */
	if (!path || vm_interrupted)
		return 0;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	{
		_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
		char line[sizeof(key) + 8];
		int n = snprintf(line, sizeof(line), "%s %s\n", key, ok ? "yes" : "no");

		if (fd < 0)
			return 0; /* no cache dir yet: probe next time too */
		e = write(fd, line, (size_t)n) == n && fchmod(fd, 0644) == 0 ? 0 : -EIO;
		if (e == 0 && rename(tmp, path) < 0)
			e = -errno;
		if (e < 0)
			unlink(tmp);
	}
	return 0;
}
