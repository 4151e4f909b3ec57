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
#include <sys/random.h>
#include <sys/wait.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "child.h"
#include "fileio.h"
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

#define QBOOT_ROM "/usr/share/qemu/qboot.rom"

/*
 * QEMU's argv for the machine of o into argv (at least VM_QEMU_ARGV
 * slots), the strings in bufs; extra (NULL-terminated, may be NULL) is
 * appended: what differs between a cold boot, a boot to be snapshotted and
 * a restore. Returns the count.
 */
#define VM_QEMU_ARGV 48
struct qemu_bufs {
	char mem[32], cpus[16], s0[PATH_MAX + 8], s1[PATH_MAX + 8];
};

static unsigned qemu_argv(const struct vm_qemu_opts *o, const char *accel_cpu, const char *append,
			  const char *const *extra, struct qemu_bufs *bf, const char **argv)
{
	unsigned n = 0;

	snprintf(bf->mem, sizeof(bf->mem), "%lluM", (unsigned long long)(o->mem / MIB));
	snprintf(bf->cpus, sizeof(bf->cpus), "%u", o->cpus ? o->cpus : 1);
	snprintf(bf->s0, sizeof(bf->s0), "file:%s", o->console_log);
	snprintf(bf->s1, sizeof(bf->s1), "file:%s", o->results_log ? o->results_log : "/dev/null");

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
	argv[n++] = bf->mem;
	argv[n++] = "-smp";
	argv[n++] = bf->cpus;
	argv[n++] = "-kernel";
	argv[n++] = o->kernel;
	argv[n++] = "-initrd";
	argv[n++] = o->initrd;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n++] = "-serial";
	argv[n++] = bf->s0;
	argv[n++] = "-serial";
	argv[n++] = bf->s1;
	argv[n++] = "-device";
	argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	for (unsigned i = 0; extra && extra[i] && n < VM_QEMU_ARGV - 1; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	return n;
}

/* Start QEMU into *cp; its stdout and stderr go to log (NULL: nowhere).
 * keep_fd >= 0: an fd QEMU inherits (-incoming fd:N). */
static int start_qemu(const struct vm_qemu_opts *o, const char *accel_cpu, const char *append,
		      const char *const *extra, int keep_fd, const char *log,
		      struct child_process *cp)
{
	struct qemu_bufs bf;
	const char *argv[VM_QEMU_ARGV];
	unsigned n = qemu_argv(o, accel_cpu, append, extra, &bf, argv);
	_cleanup_close_ int lf = -1;
	int r;

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
	if (keep_fd >= 0) {
		cp->keep_fds = &keep_fd;
		cp->nkeep_fds = 1;
	}
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

/* Wait for QEMU's exit, the deadline or ^C (then kill it). */
static int finish_qemu(struct child_process *cp, uint64_t deadline_ns, struct vm_boot *b)
{
	int e;

	/* the child API kills QEMU by pidfd at the deadline or on ^C */
	cp->deadline_ns = deadline_ns;
	cp->interrupted = &vm_interrupted;
	e = child_finish(cp);
	b->interrupted = cp->was_interrupted;
	b->timed_out = cp->timed_out && !cp->was_interrupted;
	b->wait_status = cp->status;
	child_release(cp);
	return e;
}

static bool file_has(const char *path, const char *needle)
{
	_cleanup_free_ char *t = NULL;

	return read_file_str(path, &t) == 0 && strstr(t, needle);
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The host's clock and 32 random bytes for the guest (fw_cfg files
 * BUNDLE.clock and BUNDLE.seed), written just before QEMU starts. */
static int write_clock_seed(const char *clock, const char *seed)
{
	struct timespec ts;
	unsigned char rnd[32];
	char line[64];
	int n, e = 0;
	_cleanup_close_ int cf = open(clock, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	_cleanup_close_ int sf = open(seed, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	if (cf < 0 || sf < 0 || write(cf, line, (size_t)n) != n)
		e = -EIO;
	if (!e && (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
		   write(sf, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)))
		e = -EIO;
	return e;
}

struct two_logs {
	const char *boot, *run, *key;
};

static int fill_two_logs(FILE *f, const void *arg)
{
	const struct two_logs *t = arg;

	fprintf(f, "%s[oomlab: restored from boot snapshot %s]\n%s", t->boot, t->key, t->run);
	return ferror(f) ? -EIO : 0;
}

/* The boot console of the snapshot, then the run's: a result's console log
 * shows the whole boot, as after a cold one. */
static void prepend_console(const char *snap_console, const char *console, const char *key)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	struct two_logs t;

	if (read_file_str(snap_console, &a) < 0 || read_file_str(console, &b) < 0)
		return;
	t = (struct two_logs){ a, b, key };
	write_atomic(console, 0644, fill_two_logs, &t);
}

/*
 * A boot to snapshot: QEMU with a QMP socket and no per-run fw_cfg files;
 * init.sh says @@OOMLAB-SNAP on ttyS1 once set up and then waits for
 * opt/oomlab/bundle, which this QEMU has not. Saved into snap (temp file,
 * then rename: two runs saving at once both succeed) with its console
 * beside it. 1: saved; 0: QEMU ended before the guest said anything, or
 * timed out, or ^C (*b says how: that boot is the run's outcome, a kernel
 * that does not boot is no reason to boot again); -1: the guest failed
 * after init started, or the save failed (a cold boot follows).
 */
static int make_snapshot(const struct vm_qemu_opts *o, const char *accel, const char *append,
			 const char *snap, const char *snap_console, uint64_t deadline_ns,
			 struct vm_boot *b)
{
	char sock[PATH_MAX], qmp[PATH_MAX + 40], tmp[PATH_MAX + 16], err[256] = "";
	const char *extra[] = { "-qmp", qmp, NULL };
	char qlog[PATH_MAX + 8];
	struct child_process cp;
	const char *slash = strrchr(o->console_log, '/');
	uint64_t t0 = now_ns();
	int e;

	snprintf(sock, sizeof(sock), "%.*s/qmp.sock", slash ? (int)(slash - o->console_log) : 1,
		 slash ? o->console_log : ".");
	snprintf(qmp, sizeof(qmp), "unix:%s,server=on,wait=off", sock);
	snprintf(tmp, sizeof(tmp), "%s.%d", snap, (int)getpid());
	snprintf(qlog, sizeof(qlog), "%s.qemu", o->console_log);
	/* a unix socket's path has 108 bytes (a long $TMPDIR): no snapshot */
	if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		log_debug("no boot snapshot: %s is too long for a unix socket", sock);
		return -1;
	}
	e = start_qemu(o, accel, append, extra, -1, qlog, &cp);
	if (e < 0)
		return e;
	for (;;) {
		if (child_try_wait(&cp) != 0) {
			/* ended before its snapshot point. A guest that said
			 * nothing never got to init (a kernel that does not boot):
			 * the outcome of this boot. One that did and failed before
			 * the point (init's setup) gets a cold boot. */
			finish_qemu(&cp, deadline_ns, b);
			unlink(sock);
			if (file_size(o->results_log) > 0) {
				log_warn("the boot to snapshot ended before its snapshot point: "
					 "a cold boot instead");
				return -1;
			}
			return 0;
		}
		if (vm_interrupted || now_ns() > deadline_ns) {
			end_qemu(&cp);
			b->interrupted = vm_interrupted;
			b->timed_out = !vm_interrupted;
			unlink(sock);
			return 0;
		}
		if (file_has(o->results_log, "@@OOMLAB-SNAP\n"))
			break;
		sleep_ms(5);
	}
	e = vm_qmp_save(sock, tmp,
			deadline_ns < now_ns() + 30000000000ULL ? deadline_ns
								: now_ns() + 30000000000ULL,
			err, sizeof(err));
	end_qemu(&cp);
	unlink(sock);
	if (e == 0)
		e = rename(tmp, snap) < 0 ? -errno
					  : copy_file_atomic(o->console_log, snap_console, 0644);
	if (e < 0) {
		unlink(tmp);
		unlink(snap);
		log_warn("boot snapshot not saved (%s): a cold boot instead",
			 *err ? err : strerror(-e));
		return -1;
	}
	b->snap_made = true;
	b->snap_ms = (double)(now_ns() - t0) / 1e6;
	log_debug("boot snapshot %s saved (%lld MB) in %.0f ms", snap,
		  (long long)file_size(snap) / 1000000, b->snap_ms);
	return 1;
}

int vm_qemu_run(const struct vm_qemu_opts *o, struct vm_boot *ret)
{
	_cleanup_free_ char *append = NULL, *bfw = NULL, *cfw = NULL, *sfw = NULL, *clock = NULL,
			    *seed = NULL;
	char qlog[PATH_MAX + 8], key[64] = "", snap[PATH_MAX], snap_console[PATH_MAX], incoming[32];
	const char *accel = o->accel == VM_ACCEL_KVM ? "kvm" : "tcg";
	const char *extra[12];
	struct vm_boot b = { 0 };
	struct child_process cp;
	uint64_t t0 = now_ns(), deadline = t0 + o->timeout_ms * 1000000ULL;
	bool restore = false;
	int keep = -1, e;
	unsigned nx = 0;

	if (asprintf(&append, "%s%s%s", BASE_APPEND, o->append ? " " : "",
		     o->append ? o->append : "") < 0)
		return -ENOMEM;
	snprintf(qlog, sizeof(qlog), "%s.qemu", o->console_log);
	/* the run's inputs as fw_cfg files: the guest reads them after boot,
	 * or after its restore */
	if (o->bundle) {
		if (asprintf(&clock, "%s.clock", o->bundle) < 0 ||
		    asprintf(&seed, "%s.seed", o->bundle) < 0 ||
		    asprintf(&bfw, "name=opt/oomlab/bundle,file=%s", o->bundle) < 0 ||
		    asprintf(&cfw, "name=opt/oomlab/clock,file=%s", clock) < 0 ||
		    asprintf(&sfw, "name=opt/oomlab/seed,file=%s", seed) < 0)
			return -ENOMEM;
		extra[nx++] = "-fw_cfg";
		extra[nx++] = bfw;
		extra[nx++] = "-fw_cfg";
		extra[nx++] = cfw;
		extra[nx++] = "-fw_cfg";
		extra[nx++] = sfw;
	}
	extra[nx] = NULL;
	if (o->snap_dir && o->bundle && mkdir_p(o->snap_dir, 0755) == 0) {
		struct qemu_bufs bf;
		const char *argv[VM_QEMU_ARGV];
		char qpath[PATH_MAX];

		qemu_argv(o, accel, append, NULL, &bf, argv);
		if (vm_qemu_binary(o->qemu, qpath, sizeof(qpath)) == 0 &&
		    vm_snap_key((char *const *)argv, qpath, key, sizeof(key)) == 0) {
			snprintf(snap, sizeof(snap), "%.4000s/%s.snap", o->snap_dir, key);
			snprintf(snap_console, sizeof(snap_console), "%.4000s/%s.console",
				 o->snap_dir, key);
			restore = access(snap, R_OK) == 0;
			if (!restore && vm_snap_room(o->snap_dir, o->mem)) {
				e = make_snapshot(o, accel, append, snap, snap_console, deadline,
						  &b);
				if (e == 0) {
					b.wall_ms = (double)(now_ns() - t0) / 1e6;
					*ret = b;
					return 0;
				}
				restore = e > 0;
				vm_snap_prune(o->snap_dir, VM_SNAP_KEEP);
			}
		}
	}
again:
	if (restore) {
		keep = open(snap, O_RDONLY | O_CLOEXEC);
		if (keep < 0) {
			restore = false;
		} else {
			/* used: the newest for vm_snap_prune */
			utimensat(AT_FDCWD, snap, NULL, 0);
			snprintf(incoming, sizeof(incoming), "fd:%d", keep);
			extra[nx] = "-incoming";
			extra[nx + 1] = incoming;
			extra[nx + 2] = NULL;
		}
	}
	if (!restore)
		extra[nx] = NULL;
	/* a saving boot's logs (or a failed restore's) are not this run's */
	unlink(o->console_log);
	if (o->results_log)
		unlink(o->results_log);
	if (o->bundle && write_clock_seed(clock, seed) < 0)
		e = -EIO;
	else
		e = start_qemu(o, accel, append, extra, keep, qlog, &cp);
	if (keep >= 0)
		close(keep);
	keep = -1;
	if (e < 0)
		return e;
	e = finish_qemu(&cp, deadline, &b);
	if (e < 0)
		return e;
	if (restore && !b.timed_out && !b.interrupted &&
	    !(WIFEXITED(b.wait_status) && WEXITSTATUS(b.wait_status) == 0) &&
	    (!o->results_log || file_size(o->results_log) <= 0)) {
		/* QEMU refused the snapshot (another QEMU build, a bad file):
		 * gone, and a cold boot */
		_cleanup_free_ char *why = NULL;

		read_file_str(qlog, &why);
		log_warn("boot snapshot %s did not restore (%s): a cold boot instead", snap,
			 why ? strtok(why, "\n") : "QEMU failed");
		unlink(snap);
		unlink(snap_console);
		restore = false;
		goto again;
	}
	b.restored = restore;
	if (restore) {
		snprintf(b.snap_key, sizeof(b.snap_key), "%s", key);
		prepend_console(snap_console, o->console_log, key);
	}
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
	if (start_qemu(&o, "kvm", "console=ttyS0 earlyprintk=ttyS0 panic=-1 reboot=t", NULL, -1,
		       NULL, &cp) == 0) {
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
int vm_qemu_binary(const char *qemu, char *buf, size_t len)
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
	e = vm_qemu_binary(qemu, qpath, sizeof(qpath));
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
	if (vm_cache_path("kvm-probe", &path) == 0 && read_file_str(path, &text) == 0) {
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
