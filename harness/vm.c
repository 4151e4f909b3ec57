// SPDX-License-Identifier: MIT
/*
 * oomlab vm: run profiles inside a QEMU guest.
 *
 *   oomlab vm run [OPTIONS] PROFILE|DIR...
 *   oomlab vm kernels [--fetch [VERSION]]
 *
 * All profiles share one boot, except those expecting a kernel panic
 * (vm.panic_on_oom): a panic ends the guest, so each gets a boot of its
 * own, after the others, and its result is written here, on the host,
 * from what the console shows.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "badness.h"
#include "bench-stats.h"
#include "bench.h"
#include "cli.h"
#include "fileio.h"
#include "profile.h"
#include "results.h"
#include "run.h"
#include "sysctls.h"
#include "util.h"
#include "vm.h"

#define KVM_PROBE_MS 3000

struct vm_opts {
	const char *kernel; /* FILE or VERSION, NULL = default */
	uint64_t mem;	    /* 0 = from the profiles */
	unsigned cpus;
	enum vm_accel accel;
	const char *append;
	uint64_t timeout_ms; /* 0 = from the profiles */
	const char *results_dir;
	bool keep;
	bool bench;	     /* oomlab vm bench: `oomlab bench` in the guest */
	unsigned repeat;     /* bench: runs per profile (1) */
	bool fresh;	     /* bench: a boot per run, not N runs in one boot */
	bool timings;	     /* --timings: where the time goes, host and guest */
	bool no_snapshot;    /* --no-snapshot: a cold boot every time */
	uint64_t t_start_ns; /* vm run entered */
	uint64_t t_ready_ns; /* kernel found, accelerator known */
};

struct item {
	const char *path; /* as given (expanded from a dir) */
	struct profile *p;
	enum outcome outcome;
	char result[PATH_MAX]; /* JSON written on the host (the last one) */
	char reason[256];
	char **runs; /* vm bench: every run's JSON on the host, in order */
	unsigned nruns;
	bool bad_input; /* the guest refused the profile (exit 2, FILE:LINE) */
};

static void usage(FILE *f)
{
	fputs("usage: oomlab vm run [OPTIONS] PROFILE|DIR...\n"
	      "       oomlab vm bench [OPTIONS] [--repeat N] [--fresh] PROFILE|DIR...\n"
	      "       oomlab vm kernels [--fetch [VERSION|SERIES]]\n"
	      "\n"
	      "run options:\n"
	      "  --kernel FILE|VERSION  a kernel image, or a cached/fetchable Debian\n"
	      "                         kernel version (default: linux-image-cloud-amd64)\n"
	      "  --mem SIZE             guest memory (default: sized from the profiles,\n"
	      "                         at least 256M)\n"
	      "  --cpus N               guest CPUs (default 1)\n"
	      "  --accel auto|kvm|tcg   auto probes KVM for 3 s, else TCG (default auto)\n"
	      "  --append ARGS          extra kernel command line\n"
	      "  --timeout S            per boot (default 60 s + the profiles' timeouts)\n"
	      "  --results-dir DIR      where results go (default results)\n"
	      "  --keep                 keep the initramfs and logs; print where\n"
	      "  --wait-memfree SIZE    first wait until SIZE of memory is free (a suite's job)\n"
	      "  --timings              print where the time went (host and guest stages)\n"
	      "  --no-snapshot          boot cold each time (default: restore the machine's\n"
	      "                         boot snapshot, saved by its first boot)\n"
	      "bench: `oomlab bench` in the guest (docs/bench.md)\n"
	      "  --repeat N             N runs per profile, in one boot (default 1)\n"
	      "  --fresh                a boot per run instead\n"
	      "exit: 0 pass, 1 fail, 2 broken, 77 skip\n",
	      f);
}

static void on_signal(int sig)
{
	vm_interrupted = sig;
}

/* ---- inputs: profiles, binaries, kernel ---- */

/* PROFILE or DIR (every *.ini in it, sorted) -> paths */
static int expand_args(int n, char **args, char ***ret, unsigned *ret_n)
{
	char **v = NULL;
	size_t nv = 0;

	for (int i = 0; i < n; i++) {
		int r = ini_paths_add(args[i], &v, &nv);

		if (r == 0)
			log_warn("%s: no *.ini profiles in it", args[i]);
		if (r < 0) {
			if (r != -ENOMEM)
				log_err(r, "cannot read %s", args[i]);
			paths_free(v, nv);
			return r;
		}
	}
	*ret = v;
	*ret_n = (unsigned)nv;
	return 0;
}

/* Where the guest finds the profile: the same relative path, or
 * profiles/N/NAME for paths that climb out ("../x.ini") or are absolute
 * (an absolute host path may lie under /tmp, which the guest's init mounts
 * a tmpfs over). The host puts its own path back into the result. */
static void guest_path(const char *host, unsigned idx, char *buf, size_t len)
{
	const char *p = host;

	while (!strncmp(p, "./", 2))
		p += 2;
	if (*p == '/' || strstr(p, "..") || strchr(p, ' ') || strchr(p, '\n') || !*p) {
		const char *b = strrchr(host, '/');

		/* a directory per profile keeps the file's own name, which
		 * names the result file */
		snprintf(buf, len, "profiles/%u/%s", idx, b ? b + 1 : host);
		for (char *s = buf; *s; s++)
			if (*s == ' ' || *s == '\n')
				*s = '_';
	} else {
		snprintf(buf, len, "%s", p);
	}
}

static int self_dir(char *buf, size_t len)
{
	_cleanup_free_ char *d = NULL;
	int r = self_exe_dir(&d);

	if (r < 0)
		return r;
	if (strlen(d) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, d);
	return 0;
}

/* vm/init.sh: $OOMLAB_VM_INIT, next to the build dir (build/../vm), or
 * the current directory's vm/ (a source tree). */
static int find_init(const char *bindir, char *buf, size_t len)
{
	const char *env = getenv("OOMLAB_VM_INIT");
	char cands[3][PATH_MAX];

	snprintf(cands[0], PATH_MAX, "%s", env ? env : "");
	snprintf(cands[1], PATH_MAX, "%.4000s/../vm/init.sh", bindir);
	snprintf(cands[2], PATH_MAX, "vm/init.sh");
	for (unsigned i = 0; i < 3; i++)
		if (*cands[i] && access(cands[i], R_OK) == 0) {
			/* len is PATH_MAX at the one caller */
			return strlen(cands[i]) < len ? (strcpy(buf, cands[i]), 0) : -ENAMETOOLONG;
		}
	return -ENOENT;
}

/* busybox must be static: the guest has no libc of its own but ours, and
 * the dynamic busybox would pull in whatever it links. */
static int find_busybox(char *buf, size_t len)
{
	static const char *const cands[] = { "/bin/busybox", "/usr/bin/busybox" };
	const char *env = getenv("OOMLAB_BUSYBOX");

	if (env && access(env, X_OK) == 0) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(cands); i++) {
		char **libs = NULL;
		unsigned n = 0;

		if (access(cands[i], X_OK) < 0)
			continue;
		if (vm_ldd(cands[i], &libs, &n) == 0 && n == 0) {
			snprintf(buf, len, "%s", cands[i]);
			return 0;
		}
		for (unsigned j = 0; j < n; j++)
			free(libs[j]);
		free(libs);
	}
	return -ENOENT;
}

static int get_kernel(const char *spec, struct vm_kernel *ret)
{
	char err[512];
	_cleanup_free_ char *ver = NULL;
	int e;

	if (spec && (strchr(spec, '/') || access(spec, R_OK) == 0)) {
		e = vm_kernel_from_file(spec, ret);
		if (e < 0)
			log_err(e, "--kernel %s", spec);
		return e;
	}
	if (spec && vm_kernel_load(spec, ret) == 0)
		return 0;
	if (!spec) {
		/* The newest cached kernel, without asking apt: apt-cache costs
		 * about 1 s here, a fifth of a boot. `oomlab vm kernels --fetch`
		 * brings a newer one. */
		char **v = NULL, *def = NULL;
		unsigned n = 0;

		if (vm_kernel_default(&def) == 0) {
			e = vm_kernel_load(def, ret);
			free(def);
			if (e == 0)
				return 0;
		}
		e = vm_kernel_list(&v, &n) == 0 && n > 0 ? vm_kernel_load(v[n - 1], ret) : -ENOENT;
		for (unsigned i = 0; i < n; i++)
			free(v[i]);
		free(v);
		if (e == 0)
			return 0;
	}
	e = spec ? vm_kernel_resolve(spec, &ver, err, sizeof(err))
		 : vm_kernel_fetch(NULL, &ver, err, sizeof(err));
	if (e < 0) {
		log_err(0, "cannot get a kernel: %s", err);
		return e;
	}
	e = vm_kernel_load(ver, ret);
	if (e < 0)
		log_err(e, "kernel %s: not in the cache after fetching it", ver);
	return e;
}

/* ---- results written on the host ---- */

/* A result the guest could not send (panic, crash, timeout, no zram):
 * the same JSON a host run writes, from what the host knows. */
static int host_result(struct item *it, const char *kernel, enum outcome o, bool panicked,
		       const char *dir, const char *why)
{
	struct run *r = calloc(1, sizeof(*r));
	_cleanup_free_ char *path = NULL;
	int e;

	if (!r)
		return -ENOMEM;
	r->profile = it->p;
	snprintf(r->kernel, sizeof(r->kernel), "%s", kernel);
	r->era = oom_era_from_release(kernel);
	r->in_vm = true;
	r->panicked = panicked;
	r->outcome = o;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	run_note(r, "result written by the host (oomlab vm): the guest could not "
		    "report it");
	e = results_write_json(r, dir, NULL, &path);
	run_free_notes(r);
	free(r);
	if (e < 0)
		return e;
	it->outcome = o;
	snprintf(it->result, sizeof(it->result), "%s", path);
	snprintf(it->reason, sizeof(it->reason), "%s", why);
	return 0;
}

/* The guest's result with "profile" set to the host's path; NULL if the
 * document cannot be read (it is then kept as the guest wrote it). */
static char *with_host_profile(const char *json, const char *host_path, size_t *ret_len)
{
	json_t *doc = json_loads(json, 0, NULL);
	char *out = NULL;

	if (!doc)
		return NULL;
	if (json_is_object(doc) && json_object_set_new(doc, "profile", json_string(host_path)) == 0)
		out = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (out)
		*ret_len = strlen(out);
	return out;
}

/* The outcome a result JSON records ("verdict": "pass"...; results.c). */
static enum outcome json_outcome(const char *json, int rc, char *reason, size_t rlen)
{
	json_error_t jerr;
	json_t *doc = json_loads(json, 0, &jerr);
	const char *o = NULL, *why = NULL;
	enum outcome out = rc == 0    ? OUTCOME_PASS
			   : rc == 1  ? OUTCOME_FAIL
			   : rc == 77 ? OUTCOME_SKIP
				      : OUTCOME_BROK;

	if (!doc)
		return OUTCOME_BROK;
	json_unpack(doc, "{s?s,s?s}", "verdict", &o, "reason", &why);
	if (why)
		snprintf(reason, rlen, "%s", why);
	if (o && outcome_parse(o, &out) < 0)
		out = OUTCOME_BROK;
	json_decref(doc);
	return out;
}

/* ---- one boot ---- */

static bool own_boot(const struct profile *p)
{
	return p->run_expect == RUN_EXPECT_PANIC || p->has_init_hog;
}

static const char *console_verdict(const char *con, bool *ret_panic, bool *ret_oom_panic)
{
	const char *p = con ? strstr(con, "Kernel panic - not syncing") : NULL;

	*ret_panic = p != NULL;
	*ret_oom_panic = p && (!strncmp(p + 27, "Out of memory", 13) ||
			       !strncmp(p + 27, " Out of memory", 14));
	return p;
}

struct env {
	const struct vm_opts *o;
	const struct vm_kernel *k;
	char busybox[PATH_MAX];
	char oomlab[PATH_MAX];
	char worker[PATH_MAX];
	char fwcfg[PATH_MAX];
	char init[PATH_MAX];
	enum vm_accel accel; /* resolved */
	char thp[16];	     /* the kernel's configured THP default, "" unknown */
};

/*
 * THP as the kernel is configured (its config beside vmlinuz in the
 * cache; --kernel FILE has none): the guest's init sets it, because the
 * kernel switches THP off on machines under 512 MiB (vm/init.sh says why).
 */
static void kernel_thp(const struct vm_kernel *k, char *buf, size_t len)
{
	_cleanup_free_ char *cfg = NULL;
	char path[PATH_MAX + 8];
	const char *sl = strrchr(k->vmlinuz, '/');

	*buf = '\0';
	if (!sl)
		return;
	snprintf(path, sizeof(path), "%.*s/config", (int)(sl - k->vmlinuz), k->vmlinuz);
	if (read_file_str(path, &cfg) < 0 || !strstr(cfg, "\nCONFIG_TRANSPARENT_HUGEPAGE=y\n"))
		return;
	if (strstr(cfg, "\nCONFIG_TRANSPARENT_HUGEPAGE_ALWAYS=y\n"))
		snprintf(buf, len, "always");
	else if (strstr(cfg, "\nCONFIG_TRANSPARENT_HUGEPAGE_MADVISE=y\n"))
		snprintf(buf, len, "madvise");
}

static void save_console(const char *console, const struct item *it, const char *dir)
{
	char dst[PATH_MAX + 32];
	const char *b = strrchr(it->result, '/');
	size_t l;

	if (!*it->result)
		return;
	/* beside the JSON: <json name without .json>-console.log */
	snprintf(dst, sizeof(dst), "%s/%s", dir, b ? b + 1 : it->result);
	l = strlen(dst);
	if (l > 5 && !strcmp(dst + l - 5, ".json"))
		dst[l - 5] = '\0';
	strncat(dst, "-console.log", sizeof(dst) - strlen(dst) - 1);
	if (copy_file_atomic(console, dst, 0644) < 0)
		log_warn("cannot save the console log as %s", dst);
}

/* The worse of two runs' outcomes, for a profile run N times: a broken
 * run breaks the series, a failure beats a pass. */
static enum outcome worse(enum outcome a, enum outcome b)
{
	static const int rank[] = { [OUTCOME_PASS] = 0, [OUTCOME_FAIL] = 2, [OUTCOME_BROK] = 3 };
	int ra = a == OUTCOME_SKIP ? 1 : rank[a], rb = b == OUTCOME_SKIP ? 1 : rank[b];

	return ra >= rb ? a : b;
}

/* One complete result of the guest, written into the results directory.
 * 0 or -errno (the item is then BROK). */
static int take_result(const struct vm_opts *o, struct item *it, const struct vm_result *vr)
{
	_cleanup_free_ char *fixed = NULL, *wrote = NULL;
	char name[256], reason[256] = "";
	size_t flen = vr->len;
	char **nr;
	enum outcome out;
	int e;

	snprintf(name, sizeof(name), "%s", vr->file);
	/* the result names the profile as the user gave it */
	fixed = with_host_profile(vr->json, it->path, &flen);
	/* never over another result: guests' PIDs repeat boot after boot,
	 * so their names can */
	e = results_write_json_doc(o->results_dir, name, fixed ? fixed : vr->json,
				   fixed ? flen : vr->len, &wrote);
	if (e < 0) {
		log_err(e, "cannot write %s/%s", o->results_dir, name);
		it->outcome = OUTCOME_BROK;
		return e;
	}
	snprintf(it->result, sizeof(it->result), "%s", wrote);
	nr = realloc(it->runs, (it->nruns + 1) * sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	it->runs = nr;
	it->runs[it->nruns] = TAKE_PTR(wrote);
	out = json_outcome(vr->json, vr->rc, reason, sizeof(reason));
	if (!it->nruns || worse(out, it->outcome) != it->outcome) {
		it->outcome = out;
		snprintf(it->reason, sizeof(it->reason), "%s", reason);
	}
	it->nruns++;
	return 0;
}

/*
 * The guest's oomlab refused the profile (exit 2, no result): its
 * "PATH:LINE: field: what" lines are on the console. Said again here with
 * the host's path, so bad input reads the same in a guest as on the host.
 */
static bool guest_bad_input(const char *console, const char *guest_path, struct item *it)
{
	size_t gl = strlen(guest_path);
	bool found = false;

	for (const char *l = console; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len > gl && !strncmp(l, guest_path, gl) && l[gl] == ':') {
			int n = (int)(len - gl);

			while (n > 0 && (l[gl + n - 1] == '\r'))
				n--;
			fprintf(stderr, "%s%.*s\n", it->path, n, l + gl);
			if (!found)
				snprintf(it->reason, sizeof(it->reason), "%s%.*s", it->path, n,
					 l + gl);
			found = true;
		}
		l = nl ? nl + 1 : NULL;
	}
	return found;
}

/*
 * --timings: the guest's stamps from the console ("@@OOMLAB-T STAGE
 * SECONDS" from init, "timings: ..." from oomlab run, both on the guest's
 * clock: seconds since boot) and the host's own marks. What QEMU's wall
 * time holds beyond the guest's last stamp is QEMU's start, the firmware
 * and the kernel's decompression (before the guest clock runs) and the
 * reboot.
 */
static void print_timings(const struct vm_opts *o, const char *console, double init_ms,
			  const struct vm_boot *b, uint64_t t_boot_ns, uint64_t t_qemu_ns,
			  uint64_t t_end_ns)
{
	char line[1024] = "", *w = line;
	double prev = 0, last = 0, bundle = -1, qemu_ms = b->wall_ms - b->snap_ms;
	const char *p = console;

	log_info("timings, host (ms): start to kernel and accel %.1f, initramfs %.1f, "
		 "qemu %.1f%s, results %.1f; total %.1f",
		 (double)(o->t_ready_ns - o->t_start_ns) / 1e6, init_ms, qemu_ms,
		 b->restored ? " (a restore)" : "", (double)(t_end_ns - t_qemu_ns) / 1e6,
		 (double)(t_end_ns - o->t_start_ns) / 1e6);
	(void)t_boot_ns;
	while (p && (p = strstr(p, "@@OOMLAB-T ")) != NULL) {
		char stage[32];
		double sec;

		p += 11;
		if (sscanf(p, "%31s %lf", stage, &sec) != 2)
			continue;
		w += snprintf(w, sizeof(line) - (size_t)(w - line), "%s%s %.2f", *line ? ", " : "",
			      stage, sec - prev);
		if (w >= line + sizeof(line))
			break;
		if (!strcmp(stage, "bundle"))
			bundle = sec;
		prev = last = sec;
	}
	if (b->snap_made)
		log_info("timings, host: the boot to save a snapshot and its save %.1f ms",
			 b->snap_ms);
	log_info("timings, guest (s, each since the one before; init: since boot%s): %s",
		 b->restored ? "; init to snap: the snapshot's boot, bundle: restored and read"
			     : "",
		 line);
	if (last > 0 && b->restored && bundle > 0)
		log_info("timings: qemu beyond the guest's clock (start, loading the snapshot, "
			 "exit): %.2f s",
			 qemu_ms / 1000 - (last - bundle));
	else if (last > 0)
		log_info("timings: qemu beyond the guest's clock (start, firmware, decompression, "
			 "reboot): %.2f s",
			 qemu_ms / 1000 - last);
	for (p = console; p && (p = strstr(p, "timings: start ")) != NULL; p++) {
		size_t l = strcspn(p, "\r\n");

		log_info("guest oomlab run %.*s", (int)l, p);
	}
}

static void boot_items(const struct env *env, struct item *items, unsigned *idx, unsigned n,
		       unsigned repeat)
{
	const struct vm_opts *o = env->o;
	const char *td = getenv("TMPDIR");
	char tmp[PATH_MAX];
	char initrd[PATH_MAX], bundle[PATH_MAX], con[PATH_MAX], res[PATH_MAX], args[PATH_MAX],
		err[512] = "";
	_cleanup_free_ char *base = NULL, *snap_dir = NULL;
	struct vm_guest_profile *gp = calloc(n, sizeof(*gp));
	_cleanup_free_ char *console = NULL, *stream_text = NULL;
	struct vm_stream *st = calloc(1, sizeof(*st));
	struct vm_boot b = { 0 };
	_cleanup_free_ char *append = NULL;
	uint64_t timeout = o->timeout_ms, mem = o->mem;
	const char *kname = env->k->version;
	bool panic = false, oom_panic = false;
	char qerr[256] = "";
	char params[128] = ""; /* etc/oomlab/params of the bundle, read by init.sh */
	uint64_t t_boot = now_ns(), t_init = 0, t_qemu = 0;
	int e;

	snprintf(tmp, sizeof(tmp), "%.4000s/oomlab-vm-XXXXXX", td && *td == '/' ? td : "/tmp");
	if (!gp || !st || !mkdtemp(tmp)) {
		for (unsigned i = 0; i < n; i++)
			items[idx[i]].outcome = OUTCOME_BROK;
		log_err(-errno, "cannot prepare a boot");
		free(gp);
		free(st);
		return;
	}
	snprintf(initrd, sizeof(initrd), "%.4000s/initramfs.cpio", tmp);
	snprintf(bundle, sizeof(bundle), "%.4000s/bundle.cpio", tmp);
	snprintf(con, sizeof(con), "%.4000s/console.log", tmp);
	snprintf(res, sizeof(res), "%.4000s/results.log", tmp);
	snprintf(args, sizeof(args), "%.4000s/qemu.args", tmp);
	for (unsigned i = 0; i < n; i++) {
		struct item *it = &items[idx[i]];

		gp[i].host_path = it->path;
		guest_path(it->path, i, gp[i].guest_path, sizeof(gp[i].guest_path));
		gp[i].swap = it->p->has_swap ? it->p->swap : 0;
		if (!o->timeout_ms)
			timeout += (it->p->timeout_ms ? it->p->timeout_ms : 30000) * repeat;
	}
	if (!o->timeout_ms)
		timeout += 60000; /* boot, ramp and reporting under TCG */
	/* what this boot runs and how, for vm/init.sh: in the bundle, not on
	 * the kernel command line, which is the snapshotted machine's (the
	 * manifest stays one line per profile) */
	if (o->bench)
		snprintf(params, sizeof(params), "oomlab.cmd=bench oomlab.repeat=%u ", repeat);
	for (unsigned i = 0; i < n; i++)
		if (items[idx[i]].p->has_init_hog) {
			/* init.sh looks for init_hog in the profiles only then */
			strncat(params, "oomlab.init_hog=1 ", sizeof(params) - strlen(params) - 1);
			break;
		}
	/* init.sh stamps its stages, oomlab run prints its own */
	if (o->timings)
		strncat(params, "oomlab.timings=1 ", sizeof(params) - strlen(params) - 1);
	strncat(params, "\n", sizeof(params) - strlen(params) - 1);
	/* ours first, the user's --append last (it can override them: the
	 * last oomlab.thp= counts) */
	if (asprintf(&append, "%s%s%s%s", *env->thp ? "oomlab.thp=" : "", env->thp,
		     o->append ? " " : "", o->append ? o->append : "") < 0)
		append = NULL;
	if (!mem) {
		/* --mem not given: sized from the profiles of this boot */
		struct profile **ps = calloc(n, sizeof(*ps));

		for (unsigned i = 0; ps && i < n; i++)
			ps[i] = items[idx[i]].p;
		mem = ps ? vm_guest_mem(ps, n) : 256 * MIB;
		free(ps);
	}

	struct vm_initramfs_spec spec = {
		.busybox = env->busybox,
		.oomlab = env->oomlab,
		.worker = env->worker,
		.fwcfg = env->fwcfg,
		.init_script = env->init,
		.kernel = env->k,
		.profiles = gp,
		.nprofiles = n,
	};
	{
		uint64_t t0 = now_ns();

		_cleanup_free_ char *ic = NULL;
		bool hit = false;

		if (vm_cache_path("initramfs", &ic) < 0)
			ic = NULL;
		e = vm_initramfs_build_cached(&spec, ic, initrd, &base, &hit, err, sizeof(err));
		if (e == 0)
			e = vm_initramfs_bundle(&spec, params, bundle, err, sizeof(err));
		t_init = now_ns() - t0;
		log_debug("initramfs %s in %.1f ms", hit ? "from the cache" : "built",
			  (double)(now_ns() - t0) / 1e6);
	}
	if (e < 0) {
		log_err(0, "initramfs: %s", err);
		for (unsigned i = 0; i < n; i++)
			host_result(&items[idx[i]], kname, OUTCOME_BROK, false, o->results_dir,
				    "the harness could not build the guest's initramfs");
		goto out;
	}
	/* a custom init (OOMLAB_VM_INIT) need not stop where a snapshot is taken */
	if (!o->no_snapshot && !getenv("OOMLAB_VM_INIT") && vm_snap_dir(&snap_dir) < 0)
		snap_dir = NULL;
	struct vm_qemu_opts q = {
		.kernel = env->k->vmlinuz,
		.initrd = base,
		.bundle = bundle,
		.snap_dir = snap_dir,
		.mem = mem,
		.cpus = o->cpus,
		.accel = env->accel,
		.append = append ? append : o->append,
		.console_log = con,
		.results_log = res,
		.timeout_ms = timeout,
		.args_out = o->keep ? args : NULL,
	};
	log_info("booting %s (%s, %llu MiB, %u CPU) with %u profile%s", kname,
		 env->accel == VM_ACCEL_KVM ? "KVM" : "TCG", (unsigned long long)(mem / MIB),
		 o->cpus, n, n == 1 ? "" : "s");
	e = vm_qemu_run(&q, &b);
	t_qemu = now_ns();
	if (e < 0) {
		log_err(e, "cannot run QEMU");
		for (unsigned i = 0; i < n; i++)
			host_result(&items[idx[i]], kname, OUTCOME_BROK, false, o->results_dir,
				    "QEMU could not be started");
		goto out;
	}
	read_file_str(con, &console);
	read_file_str(res, &stream_text);
	vm_stream_parse(stream_text ? stream_text : "", stream_text ? strlen(stream_text) : 0, st);
	if (*st->kernel)
		kname = st->kernel;
	console_verdict(console, &panic, &oom_panic);
	{
		/* QEMU's own complaint ("could not load kernel ..."), last line */
		_cleanup_free_ char *ql = NULL;
		char qpath[PATH_MAX + 8];

		snprintf(qpath, sizeof(qpath), "%s.qemu", con);
		if (read_file_str(qpath, &ql) == 0) {
			char *e2 = ql + strlen(ql);

			while (e2 > ql && (e2[-1] == '\n' || e2[-1] == ' '))
				*--e2 = '\0';
			char *l = strrchr(ql, '\n');

			snprintf(qerr, sizeof(qerr), "%s", l ? l + 1 : ql);
		}
	}
	if (b.snap_made)
		log_info("boot snapshot saved in %.1f s (booted once; later runs of this "
			 "machine restore it)",
			 b.snap_ms / 1000);
	log_info("guest ended after %.1f s%s%s%s%s", b.wall_ms / 1000,
		 b.restored ? " (restored from its boot snapshot)" : "",
		 b.timed_out ? " (timed out: QEMU killed)" : "",
		 b.interrupted ? " (interrupted: QEMU killed)" : "",
		 panic	    ? " (kernel panic)"
		 : st->done ? ""
			    : " (no end marker)");

	for (unsigned i = 0; i < n; i++) {
		struct item *it = &items[idx[i]];
		struct vm_result *vr = NULL;
		unsigned got = 0, before = it->nruns;
		char why[256];

		if (b.interrupted) {
			it->outcome = OUTCOME_BROK;
			snprintf(it->reason, sizeof(it->reason), "interrupted");
			continue; /* an interrupted run is no result */
		}
		/* every complete result of this profile: `vm bench --repeat N`
		 * sends N, in order */
		for (unsigned j = 0; j < st->n; j++) {
			if (st->res[j].index != i || !st->res[j].complete)
				continue;
			vr = &st->res[j];
			if (vr->json) {
				got++;
				take_result(o, it, vr);
			}
		}
		if (got) {
			if (got < repeat) {
				it->outcome = OUTCOME_BROK;
				snprintf(it->reason, sizeof(it->reason),
					 "%u of %u runs came back from the guest (%s)",
					 it->nruns - before, repeat,
					 b.timed_out ? "timed out" : "see the console log");
			}
		} else if (vr && vr->rc == 2 && guest_bad_input(console, gp[i].guest_path, it)) {
			it->outcome = OUTCOME_BROK;
			it->bad_input = true;
			continue; /* no run, no result: bad input, as on the host */
		} else if (it->p->run_expect == RUN_EXPECT_PANIC && panic) {
			snprintf(why, sizeof(why), "%s",
				 oom_panic ? "the kernel panicked on out of memory, as expected "
					     "(console: Kernel panic - not syncing: Out of memory)"
					   : "the kernel panicked, but not on out of memory "
					     "(see the console log)");
			host_result(it, kname, oom_panic ? OUTCOME_PASS : OUTCOME_FAIL, true,
				    o->results_dir, why);
		} else if (vr && vr->rc == 77) {
			host_result(it, kname, OUTCOME_SKIP, false, o->results_dir,
				    "the profile needs swap and the guest has no zram "
				    "(no zram modules for this kernel: --kernel FILE brings none)");
		} else {
			if (panic)
				snprintf(why, sizeof(why),
					 "the guest kernel panicked "
					 "(unexpected; see the console log)");
			else if (b.timed_out)
				snprintf(why, sizeof(why),
					 "the guest did not finish in %llu s: "
					 "QEMU killed",
					 (unsigned long long)(timeout / 1000));
			else if (!st->begun && *qerr)
				snprintf(why, sizeof(why), "QEMU failed: %.200s", qerr);
			else if (vr)
				snprintf(why, sizeof(why),
					 "oomlab %s in the guest exited %d "
					 "without a result (its error is in the console log)",
					 o->bench ? "bench" : "run", vr->rc);
			else if (!st->begun)
				snprintf(why, sizeof(why),
					 "the guest never reported (kernel did "
					 "not boot, or init failed: see the console log)");
			else
				snprintf(why, sizeof(why),
					 "no result from the guest for this "
					 "profile (no end marker; see the console log)");
			host_result(it, kname, OUTCOME_BROK, panic, o->results_dir, why);
		}
		save_console(con, it, o->results_dir);
	}
	if (o->timings)
		print_timings(o, console, (double)t_init / 1e6, &b, t_boot, t_qemu, now_ns());
out:
	if (o->keep)
		log_info("kept %s (bundle.cpio, console.log, results.log, qemu.args)", tmp);
	else
		vm_rmtree(tmp);
	vm_stream_free(st);
	free(st);
	free(gp);
}

/* ---- subcommands ---- */

/* One run's tables, from its document on the host. */
static void print_run(const struct item *it, unsigned r)
{
	json_t *doc = json_load_file(it->runs[r], 0, NULL);
	const json_t *bench = doc ? json_object_get(doc, "bench") : NULL;

	if (bench) {
		printf("== %s (run %u of %u): %s\n", it->path, r + 1, it->nruns, it->runs[r]);
		bench_print_table(bench, stdout);
	}
	json_decref(doc);
}

/*
 * What `oomlab bench` prints after its runs, from the documents that came
 * back: one run's tables, or for --repeat N the summary of the N runs
 * (bench-stats.c: medians with bootstrap intervals), written beside them
 * as SCENARIO-summary-KERNEL-UTC.json for `oomlab bench --compare`.
 * 0, or 2 when the runs could not be summarised.
 */
static int print_bench(const struct vm_opts *o, const struct item *it)
{
	_cleanup_free_ char *text = NULL, *wrote = NULL;
	const char *scen, *kern;
	char why[700], name[256], stamp[32];
	json_t *sum = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int e;

	if (it->nruns < 2 || log_verbose)
		for (unsigned r = 0; r < it->nruns; r++)
			print_run(it, r);
	if (it->nruns < 2)
		return 0;
	e = bench_summary_files((const char *const *)it->runs, it->nruns, &sum, why, sizeof(why));
	if (e < 0) {
		log_err(e == -EINVAL ? 0 : e, "%s: no summary of its %u runs%s%s", it->path,
			it->nruns, e == -EINVAL ? ": " : "", e == -EINVAL ? why : "");
		return 2;
	}
	printf("\n== %s: %u runs in the guest\n", it->path, it->nruns);
	bench_summary_print(sum, stdout);
	scen = json_string_value(json_object_get(sum, "scenario"));
	kern = json_string_value(json_array_get(json_object_get(sum, "kernels"), 0));
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm))
		snprintf(stamp, sizeof(stamp), "0");
	snprintf(name, sizeof(name), "%s-summary-%s-%s.json", scen ? scen : "bench",
		 kern ? kern : "guest", stamp);
	for (char *c = name; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '_';
	text = json_dumps(sum, JSON_INDENT(2));
	json_decref(sum);
	e = text ? results_write_json_doc(o->results_dir, name, text, strlen(text), &wrote)
		 : -ENOMEM;
	if (e < 0) {
		log_err(e, "%s: cannot write the summary", it->path);
		return 2;
	}
	printf("summary: %s\n", wrote);
	return 0;
}

static int cmd_run(int argc, char **argv, bool bench)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "accel", required_argument, NULL, 'a' },
		{ "append", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 't' },
		{ "results-dir", required_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'K' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "wait-memfree", required_argument, NULL, 'W' },
		{ "timings", no_argument, NULL, 'T' },
		{ "no-snapshot", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vm_opts o = { .cpus = 1,
			     .results_dir = "results",
			     .bench = bench,
			     .repeat = 1,
			     .t_start_ns = now_ns() };
	struct env env = { .o = &o };
	struct vm_kernel k;
	char bindir[PATH_MAX];
	char **paths = NULL;
	unsigned np = 0, *idx = NULL, nidx = 0;
	struct item *items = NULL;
	enum outcome *outs = NULL;
	const char *wait_memfree = NULL;
	int c, e, rc = 2;
	long l;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o.kernel = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &o.mem) < 0 || o.mem < 64 * MIB) {
				log_err(0, "--mem %s: a size of at least 64M", optarg);
				return 2;
			}
			break;
		case 'c':
			if (parse_int(optarg, 1, 64, &l) < 0) {
				log_err(0, "--cpus %s: 1..64", optarg);
				return 2;
			}
			o.cpus = (unsigned)l;
			break;
		case 'a':
			if (!strcmp(optarg, "auto"))
				o.accel = VM_ACCEL_AUTO;
			else if (!strcmp(optarg, "kvm"))
				o.accel = VM_ACCEL_KVM;
			else if (!strcmp(optarg, "tcg"))
				o.accel = VM_ACCEL_TCG;
			else {
				log_err(0, "--accel %s: auto, kvm or tcg", optarg);
				return 2;
			}
			break;
		case 'A':
			o.append = optarg;
			break;
		case 't':
			if (parse_duration_ms(optarg, &o.timeout_ms) < 0 || !o.timeout_ms) {
				log_err(0, "--timeout %s: a duration (seconds)", optarg);
				return 2;
			}
			break;
		case 'd':
			o.results_dir = optarg;
			break;
		case 'K':
			o.keep = true;
			break;
		case 'r':
			if (!bench || parse_int(optarg, 1, 100, &l) < 0) {
				log_err(0, "--repeat %s: 1..100, and only with vm bench", optarg);
				return 2;
			}
			o.repeat = (unsigned)l;
			break;
		case 'f':
			if (!bench) {
				log_err(0, "--fresh: only with vm bench");
				return 2;
			}
			o.fresh = true;
			break;
		case 'W':
			wait_memfree = optarg;
			break;
		case 'T':
			o.timings = true;
			break;
		case 'S':
			o.no_snapshot = true;
			break;
		case 'v':
			log_verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (expand_args(argc - optind, argv + optind, &paths, &np) < 0 || !np)
		return 2;
	items = calloc(np, sizeof(*items));
	outs = calloc(np, sizeof(*outs));
	idx = calloc(np, sizeof(*idx));
	if (!items || !outs || !idx)
		goto out;
	{
		struct profile **ps = calloc(np, sizeof(*ps));

		if (!ps)
			goto out;
		e = load_profiles((int)np, paths, ps);
		for (unsigned i = 0; i < np; i++) {
			items[i].path = paths[i];
			items[i].p = ps[i];
		}
		free(ps);
		if (e < 0)
			goto out; /* bad input: nothing started */
	}

	/* everything the guest needs, before anything is started */
	e = self_dir(bindir, sizeof(bindir));
	if (e < 0) {
		log_err(e, "cannot find oomlab's own binary");
		goto out;
	}
	snprintf(env.oomlab, sizeof(env.oomlab), "%.4000s/oomlab", bindir);
	snprintf(env.worker, sizeof(env.worker), "%.4000s/oomlab-worker", bindir);
	if (access(env.worker, X_OK) < 0) {
		log_err(-errno, "%s: the guest needs oomlab-worker next to oomlab", env.worker);
		goto out;
	}
	snprintf(env.fwcfg, sizeof(env.fwcfg), "%.4000s/oomlab-fwcfg", bindir);
	if (access(env.fwcfg, X_OK) < 0) {
		log_err(-errno, "%s: the guest needs oomlab-fwcfg next to oomlab", env.fwcfg);
		goto out;
	}
	if (find_init(bindir, env.init, sizeof(env.init)) < 0) {
		log_err(0, "cannot find vm/init.sh (set OOMLAB_VM_INIT, or run from the "
			   "source tree)");
		goto out;
	}
	if (find_busybox(env.busybox, sizeof(env.busybox)) < 0) {
		log_err(0, "no static busybox (apt-get install busybox-static, or set "
			   "OOMLAB_BUSYBOX)");
		goto out;
	}
	/* a file there, /proc, a read-only mount: said now, not after the boot */
	if (cli_check_output("--results-dir", o.results_dir, true, true) < 0)
		goto out;
	e = mkdir_p(o.results_dir, 0755);
	if (e < 0) {
		log_err(e, "--results-dir %s", o.results_dir);
		goto out;
	}
	if (get_kernel(o.kernel, &k) < 0)
		goto out;
	/* a suite's job: the guest and QEMU's need, before QEMU starts */
	if (wait_memfree && cli_wait_memfree(wait_memfree) < 0)
		goto out;
	env.k = &k;
	{
		/* a knob the guest kernel cannot have (lru_gen on 5.10): said
		 * now, as bad input, not after a boot */
		char config[PATH_MAX + 8];
		const char *sl = strrchr(k.vmlinuz, '/');
		int bad = 0;

		snprintf(config, sizeof(config), "%.*s/config", sl ? (int)(sl - k.vmlinuz) : 1,
			 sl ? k.vmlinuz : ".");
		for (unsigned i = 0; i < np; i++) {
			struct profile_error err = { 0 };
			char buf[700];

			if (knobs_check_config(items[i].p, config, k.version, &err) < 0) {
				fprintf(stderr, "%s\n", profile_error_str(&err, buf, sizeof(buf)));
				bad++;
			}
		}
		if (bad)
			goto out;
	}
	kernel_thp(&k, env.thp, sizeof(env.thp));
	cli_install_signals(on_signal);

	env.accel = o.accel;
	if (env.accel == VM_ACCEL_AUTO) {
		/* a throw-away initramfs is enough: only the kernel's first
		 * console bytes are looked at */
		bool kvm = false, cached = false;

		vm_kvm_probe_cached(k.vmlinuz, "/dev/null", KVM_PROBE_MS, &kvm, &cached);
		env.accel = kvm ? VM_ACCEL_KVM : VM_ACCEL_TCG;
		log_debug("accel auto: %s%s", kvm ? "kvm" : "tcg",
			  cached ? " (remembered in the cache: oomlab/kvm-probe)" : "");
	}
	o.t_ready_ns = now_ns();

	/*
	 * One boot for all the others, then one each for a profile that
	 * panics the guest or makes PID 1 hold memory (init_hog: PID 1 keeps
	 * it until the guest ends, which would starve the profiles after it).
	 */
	/*
	 * vm bench --repeat N: the N runs of a profile share that boot
	 * (oomlab restores every knob it sets, init resets the zram device
	 * between runs), except for the profiles with a boot of their own,
	 * whose state a running guest cannot put back: a boot per run for
	 * them, and for all with --fresh (cold caches each time).
	 */
	for (unsigned i = 0; i < np; i++)
		if (!own_boot(items[i].p) && !o.fresh)
			idx[nidx++] = i;
	if (nidx && !vm_interrupted)
		boot_items(&env, items, idx, nidx, o.repeat);
	for (unsigned i = 0; i < np && !vm_interrupted; i++)
		for (unsigned r = 0; r < o.repeat && !vm_interrupted; r++)
			if (own_boot(items[i].p) || o.fresh)
				boot_items(&env, items, &i, 1, 1);

	printf("%-48s %-5s %s\n", "profile", "", "result / reason");
	for (unsigned i = 0; i < np; i++) {
		struct item *it = &items[i];

		if (vm_interrupted && !*it->result)
			it->outcome = OUTCOME_BROK;
		outs[i] = it->outcome;
		printf("%-48s %-5s %s%s%s\n", it->path, outcome_word(it->outcome), it->result,
		       *it->reason && *it->result ? ": " : "", it->reason);
	}
	rc = vm_interrupted ? 2 : aggregate_exit(outs, np);
	for (unsigned i = 0; bench && !vm_interrupted && i < np; i++)
		if (print_bench(&o, &items[i]))
			rc = 2;
out:
	for (unsigned i = 0; i < np; i++) {
		if (items) {
			profile_free(items[i].p);
			for (unsigned r = 0; r < items[i].nruns; r++)
				free(items[i].runs[r]);
			free(items[i].runs);
		}
		free(paths[i]);
	}
	free(paths);
	free(items);
	free(outs);
	free(idx);
	return rc;
}

static int cmd_kernels(int argc, char **argv)
{
	char **v = NULL;
	unsigned n = 0;
	_cleanup_free_ char *cache = NULL;
	int e;

	if (argc >= 2 && !strcmp(argv[1], "--fetch")) {
		_cleanup_free_ char *ver = NULL;
		char err[512];

		if (argc > 3) {
			usage(stderr);
			return 2;
		}
		/* a version or a series ("6.12": its newest), any suite */
		e = argc == 3 ? vm_kernel_resolve(argv[2], &ver, err, sizeof(err))
			      : vm_kernel_fetch(NULL, &ver, err, sizeof(err));
		if (e < 0) {
			log_err(0, "%s", err);
			return 2;
		}
		printf("%s\n", ver);
		return 0;
	}
	if (argc > 1) {
		usage(stderr);
		return 2;
	}
	e = vm_kernel_cache_dir(&cache);
	if (e < 0 || (e = vm_kernel_list(&v, &n)) < 0) {
		log_err(e, "cannot list the kernel cache");
		return 2;
	}
	if (!n)
		fprintf(stderr, "no cached kernels in %s (oomlab vm kernels --fetch)\n", cache);
	for (unsigned i = 0; i < n; i++) {
		struct vm_kernel k;

		if (vm_kernel_load(v[i], &k) == 0)
			printf("%s  %s  %u modules\n", v[i], k.vmlinuz, k.nmodules);
		free(v[i]);
	}
	free(v);
	return 0;
}

int vm_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "bench"))
		return cmd_run(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "kernels"))
		return cmd_kernels(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	log_err(0, "vm: unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
