/* SPDX-License-Identifier: MIT */
/*
 * VM mode: boot a kernel under QEMU with an initramfs the harness builds
 * itself, run profiles inside with the same `oomlab run`, bring the JSON
 * results back over the second serial port.
 *
 *   vm.c            CLI (oomlab vm run|kernels), scheduling, host-side results
 *   vm-kernel.c     Debian kernel fetch (apt) and cache, module selection
 *   vm-initramfs.c  cpio newc writer, initramfs contents (busybox, binaries,
 *                   shared libraries, profiles, modules, vm/init.sh)
 *   vm-qemu.c       QEMU command line, accelerator probe, timeout, cleanup
 *   vm-stream.c     the framed result stream of ttyS1 (guest -> host)
 */
#ifndef OOMLAB_VM_H
#define OOMLAB_VM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* `oomlab vm ARGS...` (argv[0] = "vm"). Exit code: 0 pass, 1 fail,
 * 2 broken, 77 all skipped. */
int vm_main(int argc, char **argv);

/*
 * Guest memory for a boot running these profiles (vm.c): the largest
 * memory_limit (or, without one, the workers' sizes) plus what PID 1
 * holds, plus the guest's own needs; never below the 256 MiB default.
 */
struct profile;
uint64_t vm_guest_mem(struct profile *const *ps, unsigned n);

/* ---- vm-kernel.c ---- */

#define VM_MAX_MODULES 16

struct vm_kernel {
	char version[128]; /* "6.1.0-56-cloud-amd64", or the file name */
	char vmlinuz[PATH_MAX];
	unsigned nmodules;			/* 0: none (zram profiles SKIP) */
	char modules[VM_MAX_MODULES][PATH_MAX]; /* in load order */
};

/* rm -rf, without following symlinks. */
int vm_rmtree(const char *path);
/* $XDG_CACHE_HOME/oomlab/NAME, else ~/.cache/oomlab/NAME. */
int vm_cache_path(const char *name, char **ret);
/* vm_cache_path("kernels"). */
int vm_kernel_cache_dir(char **ret);
/*
 * Fetch a Debian kernel into the cache: version NULL = what the
 * linux-image-cloud-amd64 metapackage depends on. Needs apt-get, dpkg and
 * depmod (kmod, else busybox's). err gets a one-line reason on failure.
 */
int vm_kernel_fetch(const char *version, char **ret_version, char *err, size_t errlen);
/*
 * A kernel for --kernel SPEC: an exact version ("6.1.0-57-cloud-amd64"),
 * or a series ("6.1", "7") meaning its newest kernel, cached or served by
 * one of the Debian suites reachable (private apt configuration under the
 * cache directory). Fetched if not cached. err names the versions served
 * when none matches.
 */
int vm_kernel_resolve(const char *spec, char **ret_version, char *err, size_t errlen);
/* The newest kernel of series spec ("6.1", "7", or an exact version)
 * among cached and those in `apt-cache search` output. -ENOENT if none. */
int vm_kernel_pick(const char *search_out, const char *spec, char *const *cached, unsigned ncached,
		   char *ret, size_t len);
/* "5.10 (newest), 6.1 (newest), ..." of `apt-cache search` output. */
void vm_kernel_served(const char *search_out, char *buf, size_t len);
/* The packages one kernel takes, from `apt-cache show linux-image-VER`:
 * linux-image-VER, and sid's linux-binary-VER and linux-modules-VER. */
int vm_kernel_packages(const char *show_out, const char *ver, char (*ret)[160], unsigned max,
		       unsigned *ret_n);
/* Debian version order (numbers as numbers, '~' first). */
int vm_kernel_version_cmp(const char *a, const char *b);
/* The default kernel (what linux-image-cloud-amd64 named when fetched),
 * if cached. */
int vm_kernel_default(char **ret_version);
/* A cached kernel by version. -ENOENT if not cached. */
int vm_kernel_load(const char *version, struct vm_kernel *ret);
/* Any kernel image file, no modules. */
int vm_kernel_from_file(const char *path, struct vm_kernel *ret);
/* Cached versions, oldest first; caller frees each and the array. */
int vm_kernel_list(char ***ret_versions, unsigned *ret_n);
/*
 * Modules the guest may need, in load order, from a modules.dep file
 * (paths relative to moddir): the zram stack and its compressors.
 * Fills ret->modules with moddir-prefixed paths.
 */
int vm_kernel_pick_modules(const char *moddir, const char *modules_dep, struct vm_kernel *ret);

/* ---- vm-initramfs.c ---- */

struct cpio;

/* A cpio "newc" archive (the format the kernel unpacks as initramfs). */
int cpio_new(int fd, struct cpio **ret);
int cpio_add_dir(struct cpio *c, const char *name, mode_t mode);
int cpio_add_data(struct cpio *c, const char *name, mode_t mode, const void *data, size_t len);
int cpio_add_file(struct cpio *c, const char *name, mode_t mode, const char *src);
int cpio_add_symlink(struct cpio *c, const char *name, const char *target);
/* Add every parent directory of name not added yet ("a/b/c" -> a, a/b). */
int cpio_add_parents(struct cpio *c, const char *name);
/* Write the TRAILER!!! entry and pad; frees c. */
int cpio_finish(struct cpio *c);
void cpio_free(struct cpio *c);

/* Shared libraries a dynamic binary loads (ldd's "=> /path" and the
 * interpreter), absolute paths; caller frees each and the array. */
int vm_ldd(const char *binary, char ***ret_paths, unsigned *ret_n);
/* Parse ldd output text (for tests). */
int vm_ldd_parse(const char *text, char ***ret_paths, unsigned *ret_n);

struct vm_guest_profile {
	const char *host_path;	   /* where it is read from */
	char guest_path[PATH_MAX]; /* where `oomlab run` finds it, cwd / */
	uint64_t swap;		   /* zram size, 0 = no swap */
};

struct vm_initramfs_spec {
	const char *busybox; /* static busybox */
	const char *oomlab;
	const char *worker;
	const char *fwcfg;		/* oomlab-fwcfg (static), NULL: none */
	const char *init_script;	/* vm/init.sh */
	const struct vm_kernel *kernel; /* modules */
	const struct vm_guest_profile *profiles;
	unsigned nprofiles;
};

/* The base: everything but the profiles (busybox, init, oomlab and its
 * libraries, oomlab-fwcfg, the modules). The same for every boot of one
 * build and kernel, so a boot snapshot can be taken of it. */
int vm_initramfs_build(const struct vm_initramfs_spec *s, const char *out, char *err,
		       size_t errlen);
/*
 * The base cached by content in cache_dir/KEY.cpio: KEY hashes the
 * contents of busybox, init, passwd, group, oomlab, oomlab-worker,
 * oomlab-fwcfg and the modules; the system libraries ldd names are kept in
 * KEY.libs by identity (path, inode, size, mtime), so a hit runs no ldd
 * and any change builds a new base. *ret_path: the cached file (its name
 * is the key), or out when there is no cache. ret_hit: it was cached.
 */
int vm_initramfs_build_cached(const struct vm_initramfs_spec *s, const char *cache_dir,
			      const char *out, char **ret_path, bool *ret_hit, char *err,
			      size_t errlen);
/*
 * The bundle: the profiles, etc/oomlab/manifest and etc/oomlab/params (a
 * line of "oomlab.NAME=VALUE" words: what init.sh runs and how) as a cpio
 * archive of their own, which the guest reads through fw_cfg
 * (opt/oomlab/bundle) after boot, or after its restore from a snapshot.
 */
int vm_initramfs_bundle(const struct vm_initramfs_spec *s, const char *params, const char *out,
			char *err, size_t errlen);
int vm_initramfs_base_key(const struct vm_initramfs_spec *s, char *buf, size_t len);

/* ---- vm-qemu.c ---- */

enum vm_accel {
	VM_ACCEL_AUTO,
	VM_ACCEL_KVM,
	VM_ACCEL_TCG
};

struct vm_qemu_opts {
	const char *qemu; /* NULL: qemu-system-x86_64 from PATH */
	const char *kernel;
	const char *initrd;
	uint64_t mem;
	unsigned cpus;
	enum vm_accel accel;	 /* KVM or TCG; AUTO is resolved before */
	const char *append;	 /* extra kernel command line, may be NULL */
	const char *console_log; /* ttyS0 */
	const char *results_log; /* ttyS1 */
	uint64_t timeout_ms;
	const char *args_out; /* NULL, or a file for QEMU's argv, one per line (--keep) */
	/* the profiles (vm_initramfs_bundle) as fw_cfg opt/oomlab/bundle, with
	 * opt/oomlab/clock and opt/oomlab/seed written beside it (BUNDLE.clock,
	 * BUNDLE.seed) just before QEMU starts; NULL: none (the KVM probe) */
	const char *bundle;
	/* boot snapshots (vm-snap.c) here: restore this machine's, or boot,
	 * save one and restore it; NULL: a cold boot */
	const char *snap_dir;
};

struct vm_boot {
	bool timed_out;
	bool interrupted; /* SIGINT/SIGTERM/SIGHUP arrived */
	int wait_status;  /* waitpid status of qemu */
	double wall_ms;	  /* all of it: a snapshot's boot and save included */
	bool restored;	  /* the run was a restore of a boot snapshot */
	bool snap_made;	  /* ... which this run booted and saved first */
	double snap_ms;	  /* that boot and save */
	char snap_key[64];
};

/* Set by vm.c's signal handlers: vm_qemu_run kills QEMU and returns. */
extern volatile int vm_interrupted;

/* Boot, wait for QEMU to exit or the timeout, kill it by PID if needed. */
int vm_qemu_run(const struct vm_qemu_opts *o, struct vm_boot *ret);
/*
 * Does KVM work? Boots kernel/initrd with KVM and waits at most
 * deadline_ms for a first byte on the console. /dev/kvm can exist and still
 * abort or crawl (nested PVM), so only a console byte counts.
 */
bool vm_kvm_probe(const char *kernel, const char *initrd, uint64_t deadline_ms);
/*
 * The same, answered from <cache>/oomlab/kvm-probe when its key matches
 * (vm_kvm_probe_key: /dev/kvm's device, inode and ctime, QEMU's path,
 * inode, size and mtime, the host's kernel release); probes and
 * remembers otherwise.
 */
int vm_kvm_probe_cached(const char *kernel, const char *initrd, uint64_t deadline_ms, bool *ret_ok,
			bool *ret_cached);
int vm_kvm_probe_key(const char *kvm_dev, const char *qemu, char *buf, size_t len);
/* QEMU's binary as exec would find it (qemu NULL: qemu-system-x86_64 in PATH). */
int vm_qemu_binary(const char *qemu, char *buf, size_t len);

/* ---- vm-snap.c ---- */

#define VM_SNAP_KEEP 12 /* snapshots kept, the most recently used (each ~70 MB) */

/* <cache>/oomlab/snapshots, beside <cache>/oomlab/kernels. */
int vm_snap_dir(char **ret);
/* The name of a machine's boot snapshot: a hash of QEMU's argv (less the
 * -serial file: paths, which are per run), QEMU's binary and the -kernel,
 * -initrd and -bios files (path, inode, size, mtime). */
int vm_snap_key(char *const *argv, const char *qemu_path, char *buf, size_t len);
/* Room in dir for the snapshot of a guest of mem bytes. */
bool vm_snap_room(const char *dir, uint64_t mem);
/* Keep the keep most recently used KEY.snap (and KEY.console) in dir. */
void vm_snap_prune(const char *dir, unsigned keep);
/* Save the running machine behind QMP socket sock into path (migration to
 * a file); QEMU is left in its post-migration state, for the caller to end.
 * err gets the reason on failure. */
int vm_qmp_save(const char *sock, const char *path, uint64_t deadline_ns, char *err, size_t errlen);

/* ---- vm-stream.c ---- */

/*
 * ttyS1 framing, written by vm/init.sh, one line each, base64 bodies:
 *   @@OOMLAB-BEGIN <uname -r>
 *   @@OOMLAB-RESULT <index> <exit code> <file name> <json bytes>
 *   <base64 lines>
 *   @@END
 *   @@OOMLAB-DONE <aggregate exit code>
 * A file name of "-" and 0 bytes: oomlab run wrote no JSON.
 */
#define VM_MAX_RESULTS 256

struct vm_result {
	unsigned index;
	int rc;
	char file[256];
	char *json; /* NUL-terminated, NULL if none */
	size_t len;
	bool complete; /* @@END seen and the length matched */
};

struct vm_stream {
	char kernel[128]; /* from BEGIN, "" if not seen */
	bool begun;
	bool done;
	int done_rc;
	unsigned n;
	struct vm_result res[VM_MAX_RESULTS];
};

/* Parse what the guest wrote. Garbage lines are ignored (a guest can
 * write anything); an unfinished result stays !complete. */
int vm_stream_parse(const char *buf, size_t len, struct vm_stream *ret);
void vm_stream_free(struct vm_stream *s);
/* Base64 decode, ignoring whitespace. -EINVAL on bad input. */
int vm_base64_decode(const char *in, size_t inlen, char **ret, size_t *ret_len);

#endif
