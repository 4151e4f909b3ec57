// SPDX-License-Identifier: MIT
/*
 * oomlab-worker: allocate memory with one pattern, report into a scoreboard
 * slot, hold. A generalization of the classic mem.c loop; runs standalone
 * (prints progress) or under the harness (scoreboard fd given, quiet).
 *
 * Exit status: 0 done or stopped by SIGTERM/SIGINT/slot->stop, 1 error,
 * 2 usage, 3 allocation failed (also reported in the slot).
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "util.h"
#include "worker.h"

#define EXIT_USAGE 2
#define EXIT_ALLOC 3

enum {
	OPT_SCOREBOARD_FD = 0x100,
	OPT_SLOT,
	OPT_PARENT_SIZE,
	OPT_OOM_COUNTER,
	OPT_OOM_NOTIFY,
	OPT_CHUNK,
	OPT_NO_LATENCY,
};

static const struct option long_opts[] = {
	{ "pattern", required_argument, NULL, 'p' },
	{ "size", required_argument, NULL, 's' },
	{ "ramp", required_argument, NULL, 'r' },
	{ "hold", required_argument, NULL, 'H' },
	{ "cycles", required_argument, NULL, 'c' },
	{ "name", required_argument, NULL, 'n' },
	{ "dir", required_argument, NULL, 'd' },
	{ "children", required_argument, NULL, 'k' },
	{ "parent-size", required_argument, NULL, OPT_PARENT_SIZE },
	{ "oom-counter", required_argument, NULL, OPT_OOM_COUNTER },
	{ "oom-notify", required_argument, NULL, OPT_OOM_NOTIFY },
	{ "chunk", required_argument, NULL, OPT_CHUNK },
	{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
	{ "scoreboard-fd", required_argument, NULL, OPT_SCOREBOARD_FD },
	{ "slot", required_argument, NULL, OPT_SLOT },
	{ "list", no_argument, NULL, 'l' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: oomlab-worker --pattern NAME [--size SIZE] [options]\n"
		"  -p, --pattern NAME     allocation pattern (--list shows them)\n"
		"  -s, --size SIZE        bytes to reach: 4096, 100M, 4G\n"
		"  -r, --ramp MB/S        pace of the ramp, 0 = as fast as possible\n"
		"  -H, --hold DURATION    hold after the ramp: 30s, 500ms (default: forever)\n"
		"  -c, --cycles N         free / re-touch cycles after reaching size\n"
		"  -n, --name NAME        comm, <= 15 chars (default oomlab-worker)\n"
		"  -d, --dir DIR          file pattern: directory (default $TMPDIR, /tmp)\n"
		"  -k, --children N       fork-tree: number of children\n"
		"      --parent-size SIZE fork-tree: bytes the parent holds itself\n"
		"      --oom-counter FILE pressure: file with an \"oom_kill N\" line (repeatable: summed)\n"
		"      --oom-notify DIR   pressure: read the counters after DIR's (v1 memcg) OOM\n"
		"                         notification, not after every step\n"
		"      --chunk SIZE       pressure: bytes per step (default 1M)\n"
		"      --no-latency       do not time faults (the probe-overhead baseline)\n"
		"      --scoreboard-fd FD, --slot K   (or $%s, $%s)\n"
		"  -l, --list             list patterns (exit 1 if one is not built in)\n"
		"  -q, --quiet            no progress output\n"
		"exit: 0 done/stopped, 1 error, 2 usage, 3 allocation failed\n",
		SB_ENV_FD, SB_ENV_SLOT);
}

/* 0, or 1 when a line of the table has no pattern file behind it (the
 * weak reference of stressors/patterns.c found no pattern_ID). */
static int list_patterns(void)
{
	int missing = 0;

	for (unsigned i = 0; i < pattern_count; i++) {
		printf("%-12s %s%s\n", pattern_table[i].name, pattern_table[i].help,
		       pattern_table[i].worker ? "" : " (not built in)");
		missing |= !pattern_table[i].worker;
	}
	return missing;
}

static void on_stop_signal(int sig)
{
	worker_stop_signal = sig;
}

static int setup_signals(void)
{
	/* no SA_RESTART: a signal must cut naps and blocking calls short */
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -errno;
	return 0;
}

/*
 * Map the harness's scoreboard and return our slot. The header is the
 * harness's: read it to validate, never write it.
 */
static int map_scoreboard(int fd, unsigned k, struct sb_slot **ret)
{
	const struct sb_header *h;
	struct stat st;
	void *base;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < sb_map_size(k + 1))
		return -ERANGE;
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	h = base;
	if (h->magic != SB_MAGIC || h->version != SB_VERSION) {
		munmap(base, (size_t)st.st_size);
		return -EPROTO;
	}
	if (k >= h->nslots) {
		munmap(base, (size_t)st.st_size);
		return -ERANGE;
	}
	*ret = sb_slot(base, k);
	return 0;
}

/*
 * Standalone slot. MAP_SHARED even so: fork-tree children add into their
 * parent's slot, and a private mapping would be copied on fork.
 */
static int dummy_slot(struct sb_slot **ret)
{
	void *p =
		mmap(NULL, SB_SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	*ret = p;
	return 0;
}

static int parse_u64_opt(const char *opt, const char *arg, uint64_t *ret)
{
	int r = parse_size(arg, ret);

	if (r < 0)
		log_err(r, "bad %s '%s'", opt, arg);
	return r;
}

static void print_summary(const struct worker_opts *o)
{
	const struct sb_slot *s = o->slot;
	struct hist h = { 0 };
	struct hist_summary sum;
	char buf[16];

	if (o->quiet)
		return;
	for (unsigned i = 0; i < SB_LAT_NPHASES; i++)
		hist_add_rec(&h, &s->lat[i]);
	hist_summarize(&h, &sum);
	log_info("touched %s, %" PRIu64 " timed faults, mean %" PRIu64 " ns, p99 %" PRIu64
		 " ns, max %" PRIu64 " ns, %u cycles",
		 format_size(s->bytes_touched, buf), sum.count, sum.mean_ns, sum.p99_ns, sum.max_ns,
		 s->cycles_done);
}

int main(int argc, char **argv)
{
	struct worker_opts o = {
		.name = "oomlab-worker",
		.hold_ms = -1,
		.chunk = MIB,
	};
	const struct pattern_info *pat = NULL;
	const char *pattern_name = NULL, *sb_fd_s, *slot_s;
	bool have_size = false, quiet_given = false;
	long sb_fd = -1, slot = 0;
	uint64_t v;
	int c, r;

	log_progname = "oomlab-worker";
	o.dir = getenv("TMPDIR");
	if (!o.dir || !*o.dir)
		o.dir = "/tmp";
	sb_fd_s = getenv(SB_ENV_FD);
	slot_s = getenv(SB_ENV_SLOT);

	while ((c = getopt_long(argc, argv, "p:s:r:H:c:n:d:k:lqh", long_opts, NULL)) != -1) {
		long l;

		switch (c) {
		case 'p':
			pattern_name = optarg;
			break;
		case 's':
			if (parse_u64_opt("--size", optarg, &o.size) < 0)
				return EXIT_USAGE;
			have_size = true;
			break;
		case 'r':
			if (parse_int(optarg, 0, 1L << 30, &l) < 0) {
				log_err(-EINVAL, "bad --ramp '%s' (MB/s)", optarg);
				return EXIT_USAGE;
			}
			o.ramp_bps = (uint64_t)l * MIB;
			break;
		case 'H':
			if (parse_duration_ms(optarg, &v) < 0 || v > INT64_MAX) {
				log_err(-EINVAL, "bad --hold '%s'", optarg);
				return EXIT_USAGE;
			}
			o.hold_ms = (int64_t)v;
			break;
		case 'c':
			if (parse_int(optarg, 0, UINT32_MAX, &l) < 0) {
				log_err(-EINVAL, "bad --cycles '%s'", optarg);
				return EXIT_USAGE;
			}
			o.cycles = (unsigned)l;
			break;
		case 'n':
			if (strlen(optarg) > 15 || !*optarg) {
				log_err(-EINVAL, "--name '%s': 1..15 chars (kernel comm)", optarg);
				return EXIT_USAGE;
			}
			o.name = optarg;
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'k':
			if (parse_int(optarg, 0, 4096, &l) < 0) {
				log_err(-EINVAL, "bad --children '%s'", optarg);
				return EXIT_USAGE;
			}
			o.children = (unsigned)l;
			break;
		case OPT_PARENT_SIZE:
			if (parse_u64_opt("--parent-size", optarg, &o.parent_size) < 0)
				return EXIT_USAGE;
			break;
		case OPT_OOM_COUNTER:
			/* repeatable: one file per memcg of the domain (v1) */
			if (o.noom_counters == PATTERN_MAX_OOM_COUNTERS) {
				log_err(-E2BIG, "more than %d --oom-counter files",
					PATTERN_MAX_OOM_COUNTERS);
				return EXIT_USAGE;
			}
			o.oom_counter[o.noom_counters++] = optarg;
			break;
		case OPT_OOM_NOTIFY:
			o.oom_notify = optarg;
			break;
		case OPT_CHUNK:
			if (parse_u64_opt("--chunk", optarg, &o.chunk) < 0)
				return EXIT_USAGE;
			if (o.chunk < PAGE) {
				log_err(-EINVAL, "--chunk must be at least 4K");
				return EXIT_USAGE;
			}
			break;
		case OPT_NO_LATENCY:
			worker_latency = false;
			break;
		case OPT_SCOREBOARD_FD:
			sb_fd_s = optarg;
			break;
		case OPT_SLOT:
			slot_s = optarg;
			break;
		case 'l':
			return list_patterns();
		case 'q':
			quiet_given = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	/* getopt stops at "--": what follows is a command (pattern init) */
	if (optind < argc && !strcmp(argv[optind - 1], "--"))
		o.argv = argv + optind;
	else if (optind < argc) {
		log_err(-EINVAL, "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!pattern_name) {
		log_err(-EINVAL, "--pattern is required (--list shows them)");
		return EXIT_USAGE;
	}
	pat = pattern_find(pattern_name);
	if (!pat) {
		log_err(-ENOENT, "unknown pattern '%s' (--list shows them)", pattern_name);
		return EXIT_USAGE;
	}
	if (!pat->worker) {
		/* its line in patterns.c names a pattern_ID no file defines */
		log_err(-ENOSYS, "pattern %s is in the table but not built in", pat->name);
		return 1;
	}
	/* only pressure may run unbounded: it is meant to meet an OOM */
	if (!have_size && !(pat->flags & PATTERN_F_UNBOUNDED)) {
		log_err(-EINVAL, "--size is required for pattern %s", pat->name);
		return EXIT_USAGE;
	}
	if (o.parent_size > o.size && have_size) {
		log_err(-EINVAL, "--parent-size exceeds --size");
		return EXIT_USAGE;
	}

	if (sb_fd_s && parse_int(sb_fd_s, 0, INT32_MAX, &sb_fd) < 0) {
		log_err(-EINVAL, "bad scoreboard fd '%s'", sb_fd_s);
		return EXIT_USAGE;
	}
	if (slot_s && parse_int(slot_s, 0, INT32_MAX, &slot) < 0) {
		log_err(-EINVAL, "bad slot '%s'", slot_s);
		return EXIT_USAGE;
	}
	if (sb_fd >= 0) {
		r = map_scoreboard((int)sb_fd, (unsigned)slot, &o.slot);
		if (r < 0) {
			log_err(r, "cannot map scoreboard fd %ld slot %ld", sb_fd, slot);
			return 1;
		}
		/* under the harness: quiet, it reads the slot instead */
		o.quiet = true;
		worker_lat_phase = &sb_header_of(o.slot, (unsigned)slot)->lat_phase;
	} else {
		r = dummy_slot(&o.slot);
		if (r < 0) {
			log_err(r, "cannot map a private slot");
			return 1;
		}
		o.standalone = true;
	}
	if (quiet_given)
		o.quiet = true;

	r = setup_signals();
	if (r < 0) {
		log_err(r, "cannot set signal handlers");
		return 1;
	}
	if (prctl(PR_SET_NAME, o.name) < 0)
		log_warn("cannot set comm to %s: %m", o.name);
	log_progname = o.name;

	__atomic_store_n(&o.slot->pid, (int32_t)getpid(), __ATOMIC_RELAXED);
	strncpy(o.slot->name, o.name, sizeof(o.slot->name) - 1);
	o.slot->name[sizeof(o.slot->name) - 1] = 0;
	__atomic_store_n(&o.slot->target_bytes, o.size, __ATOMIC_RELAXED);
	__atomic_store_n(&o.slot->err, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&o.slot->t_start_ns, now_ns(), __ATOMIC_RELAXED);
	slot_set_phase(o.slot, SB_PHASE_INIT);

	r = pat->worker->run(&o);
	/* a stop while failing (pressure retries) is still a clean stop */
	if (r != -EINTR &&
	    __atomic_load_n(&o.slot->phase, __ATOMIC_ACQUIRE) == SB_PHASE_ALLOC_FAILED) {
		if (!o.quiet)
			log_err(-o.slot->err, "%s: allocation failed after %" PRIu64 " bytes",
				pat->name, o.slot->bytes_touched);
		return EXIT_ALLOC;
	}
	if (r < 0 && r != -EINTR) {
		__atomic_store_n(&o.slot->err, -r, __ATOMIC_RELAXED);
		slot_set_phase(o.slot, SB_PHASE_DONE);
		log_err(r, "pattern %s failed", pat->name);
		return 1;
	}
	slot_set_phase(o.slot, SB_PHASE_DONE);
	print_summary(&o);
	return 0;
}
