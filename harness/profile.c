// SPDX-License-Identifier: MIT
/*
 * Profile parser: INI (fio-job style) -> struct profile, with libinih.
 *
 * Debian's libinih 55 is built with INI_HANDLER_LINENO 0, without
 * INI_CALL_HANDLER_ON_NEW_SECTION, with multi-line values on and with
 * inline " ;" comments stripped without regard for quotes. So every line
 * goes through our own reader first, which:
 *   - counts lines (the handler has no line number of its own);
 *   - sees section headers, so an empty [worker x] still counts;
 *   - strips leading blanks, so an indented "key = value" is not taken as
 *     the continuation of the previous value (inih's multi-line rule);
 *   - strips ';' comments itself, quote-aware, and hides a ';' inside
 *     quotes from inih as SEMI_HIDDEN, turned back in the handler.
 * inih still does the key/value split and the trimming.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "badness.h"
#include "fileio.h"
#include "pattern.h"
#include "profile.h"
#include "rlimits.h"
#include "trigger.h"
#include "util.h"

#define MAX_INSTANCES 1024 /* run.h RUN_MAX_INSTANCES */
/*
 * 512: the many-workers benchmark (issue 9). A run holds RUN_MAX_INSTANCES
 * (1024), so one count of 512 still leaves room for the workers it is
 * ranked against.
 */
#define MAX_COUNT 512
#define MAX_SEEN_KEYS 64
#define SEMI_HIDDEN '\x1f'
/*
 * A physical line, comment included (inih's own limit, after our comment
 * stripping, is INI_MAX_LINE).
 */
#define RAW_LINE_MAX 4096

enum section {
	SEC_NONE,
	SEC_PROFILE,
	SEC_CLAIM,
	SEC_WORKER,
	SEC_GROUP,
};

struct seen_key {
	char name[256];
	int line;
};

/* Lines of a worker's keys, for errors found only at the section's end. */
struct worker_lines {
	int pattern;
	int command;
	int size;
	int cycles;
	int children;
	int parent_size;
	int count;
	int expect;
	int group; /* group = NAME, resolved in finish() */
	char group_name[PROFILE_GROUP_NAME_MAX + 1];
	int qos;
	int request;
	int memory_limit;
	int oom_score_adj;
};

/* Lines of a group's keys: parent = is resolved once every group is in. */
struct group_lines {
	int parent;
	char parent_name[PROFILE_GROUP_NAME_MAX + 1];
	int memory_limit;
	int memory_high;
	int memory_low;
	int memory_min;
};

struct parse_ctx {
	struct profile *p;
	struct profile_error *err;
	bool failed;
	bool enomem;
	struct line_reader lr; /* bounded: RAW_LINE_MAX */
	int line;
	const char *field; /* key being handled, for errors */
	enum section sec;
	int sec_line;
	int profile_line;
	int claim_line;
	struct worker_spec *w;
	struct worker_lines wl[PROFILE_MAX_WORKERS];
	struct group_spec *g;
	struct group_lines gl[PROFILE_MAX_GROUPS];
	int trigger_group_line;
	char trigger_group_name[PROFILE_GROUP_NAME_MAX + 1];
	unsigned instances;
	unsigned nseen;
	struct seen_key seen[MAX_SEEN_KEYS];
};

static __attribute__((format(printf, 4, 5))) int fail_at(struct parse_ctx *c, int line,
							 const char *field, const char *fmt, ...)
{
	va_list ap;

	/* the first error wins: later ones are usually its consequences */
	if (c->failed)
		return -EINVAL;
	c->failed = true;
	c->err->line = line;
	snprintf(c->err->field, sizeof(c->err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define fail(c, ...) fail_at((c), (c)->line, (c)->field, __VA_ARGS__)

static const char *ordinal(unsigned n, char buf[static 16])
{
	const char *sfx = "th";

	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			sfx = "st";
		else if (n % 10 == 2)
			sfx = "nd";
		else if (n % 10 == 3)
			sfx = "rd";
	}
	snprintf(buf, 16, "%u%s", n, sfx);
	return buf;
}

static char *lskip(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
}

/* ---- value parsers: 0 or -EINVAL after fail() ---- */

static int val_size(struct parse_ctx *c, const char *v, uint64_t *ret)
{
	uint64_t b;

	if (parse_size(v, &b) < 0)
		return fail(c, "'%s' is not a size (use e.g. 100M, 4G)", v);
	*ret = b;
	return 0;
}

static int val_duration(struct parse_ctx *c, const char *v, uint64_t *ret)
{
	uint64_t ms = 0;

	if (parse_duration_ms(v, &ms) < 0)
		return fail(c, "'%s' is not a duration (use e.g. 500ms, 30s, 2m)", v);
	*ret = ms;
	return 0;
}

static int val_int(struct parse_ctx *c, const char *v, long min, long max, long *ret)
{
	long n = 0;

	if (parse_int(v, min, max, &n) < 0)
		return fail(c, "'%s' is not an integer in %ld..%ld", v, min, max);
	*ret = n;
	return 0;
}

static int val_bool(struct parse_ctx *c, const char *v, bool *ret)
{
	static const char *const yes[] = { "yes", "true", "1", "on" };
	static const char *const no[] = { "no", "false", "0", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return fail(c, "'%s' is not a boolean (use yes or no)", v);
}

/* A whole value in "double quotes" loses them; \" and \\ inside. */
static int val_text(struct parse_ctx *c, const char *v, char **ret)
{
	size_t n = strlen(v);
	char *s, *o;

	if (v[0] != '"') {
		s = strdup(v);
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	s = malloc(n);
	if (!s)
		return -ENOMEM;
	o = s;
	for (const char *i = v + 1; *i; i++) {
		if (*i == '\\' && (i[1] == '"' || i[1] == '\\')) {
			*o++ = *++i;
		} else if (*i == '"') {
			if (i[1]) {
				free(s);
				return fail(c, "text after the closing quote");
			}
			*o = 0;
			*ret = s;
			return 0;
		} else {
			*o++ = *i;
		}
	}
	free(s);
	return fail(c, "unterminated \"quote\"");
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **i = v; *i; i++)
		free(*i);
	free(v);
}

/*
 * Shell-like split, without a shell: blanks separate words; 'single'
 * quotes are literal; in "double" quotes a backslash escapes only
 * " \ $ ` (as in sh); outside quotes it escapes any character.
 */
static int split_command(struct parse_ctx *c, const char *s, char ***ret)
{
	char **argv = NULL, *word = NULL;
	size_t argc = 0, wlen = 0;
	bool in_word = false;
	int r = -ENOMEM;

	word = malloc(strlen(s) + 1);
	if (!word)
		goto out;
	for (const char *i = s;; i++) {
		if (!*i || (isspace((unsigned char)*i))) {
			if (in_word) {
				char **nv = realloc(argv, (argc + 2) * sizeof(*argv));

				if (!nv)
					goto out;
				argv = nv;
				word[wlen] = 0;
				argv[argc] = strdup(word);
				if (!argv[argc])
					goto out;
				argv[++argc] = NULL;
				in_word = false;
				wlen = 0;
			}
			if (!*i)
				break;
			continue;
		}
		in_word = true;
		if (*i == '\'') {
			const char *e = strchr(i + 1, '\'');

			if (!e) {
				r = fail(c, "unterminated 'quote'");
				goto out;
			}
			memcpy(word + wlen, i + 1, (size_t)(e - i - 1));
			wlen += (size_t)(e - i - 1);
			i = e;
		} else if (*i == '"') {
			for (i++; *i && *i != '"'; i++) {
				if (*i == '\\' && i[1] && strchr("\"\\$`", i[1]))
					i++;
				word[wlen++] = *i;
			}
			if (!*i) {
				r = fail(c, "unterminated \"quote\"");
				goto out;
			}
		} else if (*i == '\\') {
			if (!i[1]) {
				r = fail(c, "backslash at the end of the command");
				goto out;
			}
			word[wlen++] = *++i;
		} else {
			word[wlen++] = *i;
		}
	}
	if (!argc) {
		r = fail(c, "empty command");
		goto out;
	}
	*ret = TAKE_PTR(argv);
	r = 0;
out:
	if (argv) {
		argv[argc] = NULL;
		strv_free(argv);
	}
	free(word);
	return r;
}

/* ---- [profile] ---- */

static int set_description(struct parse_ctx *c, const char *v)
{
	return val_text(c, v, &c->p->description);
}

static int set_memory_limit(struct parse_ctx *c, const char *v)
{
	int r = val_size(c, v, &c->p->memory_limit);

	if (r < 0)
		return r;
	if (!c->p->memory_limit)
		return fail(c, "must be > 0");
	c->p->has_memory_limit = true;
	c->p->memory_limit_line = c->line;
	return 0;
}

static int set_trigger(struct parse_ctx *c, const char *v)
{
	char known[128] = "";
	unsigned idx;

	if (trigger_find(v, &idx)) {
		c->p->trigger = (enum trigger_kind)idx;
		return 0;
	}
	for (unsigned i = 0; i < ntriggers; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 i ? ", " : "", triggers[i]->name);
	return fail(c, "unknown trigger '%s' (%s)", v, known);
}

static int set_timeout(struct parse_ctx *c, const char *v)
{
	int r = val_duration(c, v, &c->p->timeout_ms);

	if (r < 0)
		return r;
	if (!c->p->timeout_ms)
		return fail(c, "must be > 0");
	return 0;
}

static int set_oom_group(struct parse_ctx *c, const char *v)
{
	return val_bool(c, v, &c->p->oom_group);
}

static int set_swap(struct parse_ctx *c, const char *v)
{
	int r = val_size(c, v, &c->p->swap);

	if (r < 0)
		return r;
	c->p->has_swap = true;
	return 0;
}

/* PID 1 of the guest holds this much (vm/init.sh, whole MiB) while the
 * profile runs: the claim "PID 1 is never chosen" needs init to be the
 * biggest task. Only a VM has an init of ours. */
static int set_init_hog(struct parse_ctx *c, const char *v)
{
	int r = val_size(c, v, &c->p->init_hog);

	if (r < 0)
		return r;
	if (c->p->init_hog % MIB || !c->p->init_hog)
		return fail(c, "a whole number of MiB, e.g. 100M");
	c->p->has_init_hog = true;
	c->p->needs_vm = true;
	return 0;
}

static int set_needs(struct parse_ctx *c, const char *v)
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	if (!*copy)
		return fail(c, "empty list (known: vm, root, cgroup2)");
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		t = lskip(t);
		rstrip(t);
		if (!strcmp(t, "vm"))
			c->p->needs_vm = true;
		else if (!strcmp(t, "root"))
			c->p->needs_root = true;
		else if (!strcmp(t, "cgroup2"))
			c->p->needs_cgroup2 = true;
		else
			return fail(c, "unknown need '%s' (known: vm, root, cgroup2)", t);
	}
	return 0;
}

static int set_run_expect(struct parse_ctx *c, const char *v)
{
	if (!strcmp(v, "kills"))
		c->p->run_expect = RUN_EXPECT_KILLS;
	else if (!strcmp(v, "panic"))
		c->p->run_expect = RUN_EXPECT_PANIC;
	else if (!strcmp(v, "alloc-fail"))
		c->p->run_expect = RUN_EXPECT_ALLOC_FAIL;
	else
		return fail(c, "unknown expectation '%s' (kills, panic, alloc-fail)", v);
	return 0;
}

/*
 * The knobs: sysctl.<name> = integer, only the OOM-relevant families
 * (vm.* and kernel.panic*); sysfs.<name> = a word, only kernel.mm.*
 * (/sys/kernel/mm: MGLRU, THP, KSM). The name becomes a /proc/sys or /sys
 * path, so no empty components (no "..") and no other characters.
 * Whether the running kernel has the file, and takes the value, is
 * checked in the guest before the run (sysctls.c: knobs_check).
 */
static int set_knob(struct parse_ctx *c, bool sysfs, const char *name, const char *v)
{
	struct sysctl_setting *s;
	long n = 0;

	if (sysfs ? strncmp(name, "kernel.mm.", 10)
		  : strncmp(name, "vm.", 3) && strncmp(name, "kernel.panic", 12))
		return fail(c, sysfs ? "only kernel.mm.* sysfs knobs may be set"
				     : "only vm.* and kernel.panic* sysctls may be set");
	if (strlen(name) >= sizeof(s->name))
		return fail(c, "%s name too long", sysfs ? "sysfs" : "sysctl");
	for (const char *i = name; *i; i++) {
		if (!isalnum((unsigned char)*i) && *i != '_' && *i != '.' && (!sysfs || *i != '-'))
			return fail(c, "'%c' in a %s name", *i, sysfs ? "sysfs" : "sysctl");
		if (*i == '.' && (i[1] == '.' || !i[1]))
			return fail(c, "empty component in a %s name", sysfs ? "sysfs" : "sysctl");
	}
	if (!sysfs && parse_int(v, LONG_MIN, LONG_MAX, &n) < 0)
		return fail(c, "'%s' is not an integer", v);
	if (sysfs) {
		/* one word: what the kernel's store functions parse (y, n,
		 * 0x0007, madvise); nothing that could be two writes */
		if (!*v || strlen(v) >= sizeof(s->value))
			return fail(c, "'%s': a value of 1 to %zu characters", v,
				    sizeof(s->value) - 1);
		for (const char *i = v; *i; i++)
			if (!isalnum((unsigned char)*i) && *i != '_' && *i != '-' && *i != '.')
				return fail(c, "'%s': '%c' in a sysfs value", v, *i);
		/* mm/vmscan.c enabled_store(): y, n or a number (capability bits) */
		if (!strcmp(name, "kernel.mm.lru_gen.enabled") && strcmp(v, "y") &&
		    strcmp(v, "n") &&
		    !(parse_int(v, 0, INT_MAX, &n) == 0 ||
		      (v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2] &&
		       strspn(v + 2, "0123456789abcdefABCDEF") == strlen(v + 2))))
			return fail(c, "'%s': y, n or the capability bits (0x0007)", v);
	}
	/* the bounds every kernel has; a kernel's own tighter ones are its
	 * EINVAL, seen in the guest before the run */
	if (!sysfs && !strcmp(name, "vm.swappiness") && (n < 0 || n > 200))
		return fail(c, "'%s': 0..200 (100 before 5.8)", v);
	if (!sysfs && !strcmp(name, "vm.watermark_scale_factor") && (n < 1 || n > 3000))
		return fail(c, "'%s': 1..3000", v);
	if (c->p->nsysctls >= PROFILE_MAX_SYSCTLS)
		return fail(c, "more than %d sysctl/sysfs knobs", PROFILE_MAX_SYSCTLS);
	s = &c->p->sysctls[c->p->nsysctls++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (sysfs)
		snprintf(s->value, sizeof(s->value), "%s", v);
	else
		snprintf(s->value, sizeof(s->value), "%ld", n);
	s->sysfs = sysfs;
	s->line = c->line;
	return 0;
}

/* ---- [claim] ---- */

static int set_claim_id(struct parse_ctx *c, const char *v)
{
	long n = 0;
	int r = val_int(c, v, 1, 14, &n);

	if (r < 0)
		return r;
	c->p->claim_id = (int)n;
	return 0;
}

static int set_claim_text(struct parse_ctx *c, const char *v)
{
	return val_text(c, v, &c->p->claim);
}

static const char *const claim_judges[] = {
	[CLAIM_JUDGE_EXPECTATIONS] = "expectations",
	[CLAIM_JUDGE_MM_SHARERS_DIE] = "mm_sharers_die",
	[CLAIM_JUDGE_FIRST_KILL_ALLOCATING] = "first_kill_is_allocating_task",
	[CLAIM_JUDGE_KILL_LINES_LOGGED] = "kill_lines_logged",
};

const char *claim_judge_name(enum claim_judge j)
{
	return (size_t)j < ARRAY_SIZE(claim_judges) ? claim_judges[j] : "unknown";
}

static int set_claim_judge(struct parse_ctx *c, const char *v)
{
	char names[192];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(claim_judges); i++)
		if (!strcmp(v, claim_judges[i])) {
			c->p->claim_judge = (enum claim_judge)i;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(claim_judges) && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "",
				      claim_judges[i]);
	return fail(c, "unknown judge '%s' (%s)", v, names);
}

/* predict.<era>: the era by its name in the era table, newest first in the
 * error as people look for their kernel's era. */
static int set_claim_predict(struct parse_ctx *c, const char *era, const char *v)
{
	char names[128];
	size_t n = 0;

	for (unsigned i = 0; i < oom_era_count; i++)
		if (!strcmp(era, oom_eras[i].name))
			return val_text(c, v, &c->p->claim_predict[oom_eras[i].era]);
	names[0] = 0;
	for (unsigned i = oom_era_count; i-- > 0 && n < sizeof(names);)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "",
				      oom_eras[i].name);
	return fail(c, "unknown era '%s' (%s)", era, names);
}

/* ---- [worker NAME] ---- */

static struct worker_lines *cur_lines(struct parse_ctx *c)
{
	return &c->wl[c->w - c->p->workers];
}

/*
 * The names of the patterns a profile may select (not internal ones) that
 * take opt (0: all of them), joined by sep, the last two by " or " when
 * sep is NULL: "fork-tree or shared-mm".
 */
static const char *pattern_names_with(unsigned opt, const char *sep, char *buf, size_t len)
{
	const char *last = NULL;
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < pattern_count; i++) {
		const struct pattern_info *pi = &pattern_table[i];

		if ((pi->flags & PATTERN_F_INTERNAL) || (opt && !(pi->opts & opt)))
			continue;
		if (last && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? (sep ? sep : ", ") : "",
					      last);
		last = pi->name;
	}
	if (last && n < len)
		snprintf(buf + n, len - n, "%s%s", n ? (sep ? sep : " or ") : "", last);
	return buf;
}

static int set_pattern(struct parse_ctx *c, const char *v)
{
	struct worker_lines *wl = cur_lines(c);
	const struct pattern_info *pi;

	if (c->w->argv)
		return fail(c, "both pattern and command given (command at line %d); use one",
			    wl->command);
	pi = pattern_find(v);
	if (!pi || (pi->flags & PATTERN_F_INTERNAL)) {
		char names[256];

		return fail(c, "unknown pattern '%s' (%s)", v,
			    pattern_names_with(0, ", ", names, sizeof(names)));
	}
	c->w->pattern = strdup(v);
	if (!c->w->pattern)
		return -ENOMEM;
	wl->pattern = c->line;
	return 0;
}

static int set_command(struct parse_ctx *c, const char *v)
{
	struct worker_lines *wl = cur_lines(c);

	if (c->w->pattern)
		return fail(c, "both pattern and command given (pattern at line %d); use one",
			    wl->pattern);
	wl->command = c->line;
	return split_command(c, v, &c->w->argv);
}

static int set_size(struct parse_ctx *c, const char *v)
{
	cur_lines(c)->size = c->line;
	c->w->size_line = c->line;
	return val_size(c, v, &c->w->size);
}

static int set_ramp(struct parse_ctx *c, const char *v)
{
	_cleanup_free_ char *copy = strdup(v);
	size_t n;
	int r;

	if (!copy)
		return -ENOMEM;
	/* "50M" and "50M/s" both mean bytes per second */
	n = strlen(copy);
	if (n > 2 && !strcmp(copy + n - 2, "/s"))
		copy[n - 2] = 0;
	r = val_size(c, copy, &c->w->ramp_bps);
	if (r < 0 || !c->w->ramp_bps)
		return r;
	/*
	 * oomlab-worker paces in whole MiB/s (--ramp MB/S): "ramp = 1" was
	 * one byte per second on paper and 1 MiB/s in fact. Say so instead.
	 */
	n = strlen(copy);
	if (n && isdigit((unsigned char)copy[n - 1]))
		return fail(c,
			    "'%s' has no unit: write e.g. 1M or 50M/s (bytes per second, "
			    "in whole MiB/s; 0 = as fast as possible)",
			    v);
	if (c->w->ramp_bps % MIB)
		return fail(c,
			    "'%s' is not a whole number of MiB per second (the worker "
			    "paces in MiB/s: write e.g. 1M or 50M/s)",
			    v);
	return 0;
}

static int set_hold(struct parse_ctx *c, const char *v)
{
	uint64_t ms = 0;
	int r;

	if (!strcmp(v, "forever")) {
		c->w->hold_ms = -1;
		return 0;
	}
	r = val_duration(c, v, &ms);
	if (r < 0)
		return r;
	c->w->hold_ms = (int64_t)ms;
	return 0;
}

static int set_cycles(struct parse_ctx *c, const char *v)
{
	long n = 0;
	int r = val_int(c, v, 0, 1000000, &n);

	if (r < 0)
		return r;
	cur_lines(c)->cycles = c->line;
	c->w->cycles = (unsigned)n;
	return 0;
}

static int set_children(struct parse_ctx *c, const char *v)
{
	long n = 0;
	int r = val_int(c, v, 1, 1024, &n);

	if (r < 0)
		return r;
	cur_lines(c)->children = c->line;
	c->w->children = (unsigned)n;
	return 0;
}

static int set_parent_size(struct parse_ctx *c, const char *v)
{
	cur_lines(c)->parent_size = c->line;
	return val_size(c, v, &c->w->parent_size);
}

static int set_oom_score_adj(struct parse_ctx *c, const char *v)
{
	long n = 0;
	int r = val_int(c, v, -1000, 1000, &n);

	if (r < 0)
		return r;
	c->w->oom_score_adj = (int)n;
	cur_lines(c)->oom_score_adj = c->line;
	if (n < 0)
		c->p->needs_negative_adj = true;
	return 0;
}

static int set_oom_adj(struct parse_ctx *c, const char *v)
{
	long n = 0;
	/* OOM_DISABLE .. OOM_ADJUST_MAX, the legacy range (include/uapi/linux/oom.h) */
	int r = val_int(c, v, -17, 15, &n);

	if (r < 0)
		return r;
	c->w->oom_adj = (int)n;
	c->w->has_oom_adj = true;
	if (n < 0)
		c->p->needs_negative_adj = true;
	return 0;
}

static int set_nice(struct parse_ctx *c, const char *v)
{
	long n = 0;
	int r = val_int(c, v, -20, 19, &n);

	if (r < 0)
		return r;
	c->w->nice = (int)n;
	return 0;
}

static int set_user(struct parse_ctx *c, const char *v)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	bool numeric = *v && strspn(v, "0123456789") == strlen(v);
	long uid = 0;
	int r;

	if (strlen(v) >= sizeof(c->w->user))
		return fail(c, "user name too long");
	if (numeric) {
		/* (uid_t)-1 means "no change" to setresuid(), not a user */
		r = val_int(c, v, 0, (long)UINT32_MAX - 1, &uid);
		if (r < 0)
			return r;
		r = getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res);
	} else {
		r = getpwnam_r(v, &pw, buf, sizeof(buf), &res);
	}
	/* ENOENT, ESRCH, EBADF, EPERM all mean "no such user" (getpwnam_r(3)) */
	if (r && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM)
		return fail(c, "cannot look up user '%s': %s", v, strerror(r));
	if (!res && !numeric)
		return fail(c, "unknown user '%s'", v);
	c->w->has_user = true;
	c->w->uid = res ? res->pw_uid : (uid_t)uid;
	/* a bare uid with no passwd entry runs with gid = uid */
	c->w->gid = res ? res->pw_gid : (gid_t)uid;
	snprintf(c->w->user, sizeof(c->w->user), "%s", v);
	return 0;
}

static int set_caps(struct parse_ctx *c, const char *v)
{
	_cleanup_free_ char *copy = strdup(v);
	struct worker_spec *w = c->w;
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	w->ncaps = 0;
	if (!strcasecmp(v, "none")) {
		w->caps = CAPS_NONE;
		return 0;
	}
	if (!strcasecmp(v, "all")) {
		w->caps = CAPS_ALL;
		return 0;
	}
	if (!*copy || copy[strlen(copy) - 1] == ',')
		return fail(c, "empty capability in '%s'", v);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char name[64];
		cap_value_t cv;
		unsigned i;

		t = lskip(t);
		rstrip(t);
		if (!*t)
			return fail(c, "empty capability in '%s'", v);
		/* cap_from_name() also takes numbers; a profile says names */
		if (strspn(t, "0123456789") == strlen(t))
			return fail(c, "'%s': give a capability by name (e.g. cap_sys_admin)", t);
		snprintf(name, sizeof(name), "%s%s", strncasecmp(t, "cap_", 4) ? "cap_" : "", t);
		for (char *n = name; *n; n++)
			*n = (char)tolower((unsigned char)*n);
		if (cap_from_name(name, &cv) < 0)
			return fail(c, "unknown capability '%s'", t);
		for (i = 0; i < w->ncaps && w->cap_list[i] != cv; i++)
			;
		if (i < w->ncaps)
			continue;
		if (w->ncaps >= PROFILE_MAX_CAPS)
			return fail(c, "more than %d capabilities", PROFILE_MAX_CAPS);
		w->cap_list[w->ncaps++] = cv;
	}
	w->caps = CAPS_LIST;
	return 0;
}

static int set_count(struct parse_ctx *c, const char *v)
{
	char last[16];
	long n = 0;
	int r = val_int(c, v, 1, MAX_COUNT, &n);

	if (r < 0)
		return r;
	/* instances are NAME.1 .. NAME.N, and each must fit in comm */
	if (n > 1 &&
	    strlen(c->w->name) + (size_t)snprintf(last, sizeof(last), ".%ld", n) > PROFILE_NAME_MAX)
		return fail(c, "'%s%s' would be longer than %d characters (comm); shorten the name",
			    c->w->name, last, PROFILE_NAME_MAX);
	cur_lines(c)->count = c->line;
	c->w->count = (unsigned)n;
	return 0;
}

static int set_worker_expect(struct parse_ctx *c, const char *v)
{
	struct worker_spec *w = c->w;
	bool nth = !strncmp(v, "killed", 6) && isspace((unsigned char)v[6]);
	const char *n = nth ? lskip((char *)v + 6) : v;
	long pos;

	cur_lines(c)->expect = c->line;
	if (!strcmp(v, "any")) {
		w->expect = EXPECT_ANY;
	} else if (!strcmp(v, "survives")) {
		w->expect = EXPECT_SURVIVES;
	} else if (!strcmp(v, "killed")) {
		w->expect = EXPECT_KILLED;
	} else if (nth && isdigit((unsigned char)*n) && !parse_int(n, 1, MAX_INSTANCES, &pos)) {
		w->expect = EXPECT_KILLED_NTH;
		w->expect_pos = (unsigned)pos;
	} else {
		return fail(
			c,
			"'%s' is not an expectation (killed N, killed, survives, any; N = 1..%d)",
			v, MAX_INSTANCES);
	}
	return 0;
}

static int set_cpu_burn(struct parse_ctx *c, const char *v)
{
	return val_duration(c, v, &c->w->cpu_burn_ms);
}

static int set_start_delay(struct parse_ctx *c, const char *v)
{
	return val_duration(c, v, &c->w->start_delay_ms);
}

static int set_allocating(struct parse_ctx *c, const char *v)
{
	return val_bool(c, v, &c->w->is_pressure_target);
}

/* ---- services (issue 8): readiness, setup/teardown, rlimits ---- */

static int set_cmd_key(struct parse_ctx *c, const char *v, char ***ret)
{
	if (!*v)
		return fail(c, "empty command");
	return split_command(c, v, ret);
}

static int set_ready_cmd(struct parse_ctx *c, const char *v)
{
	return set_cmd_key(c, v, &c->w->ready_cmd);
}

static int set_setup(struct parse_ctx *c, const char *v)
{
	return set_cmd_key(c, v, &c->w->setup_cmd);
}

static int set_teardown(struct parse_ctx *c, const char *v)
{
	return set_cmd_key(c, v, &c->w->teardown_cmd);
}

static int set_ready_port(struct parse_ctx *c, const char *v)
{
	long n = 0;

	if (parse_int(v, 1, 65535, &n) < 0)
		return fail(c, "'%s' is not a TCP port (1..65535)", v);
	c->w->ready_port = (int)n;
	return 0;
}

static int set_ready_log(struct parse_ctx *c, const char *v)
{
	regex_t re;
	char why[128];
	int e;

	if (!*v)
		return fail(c, "empty regular expression");
	/* compiled here so a bad one stops the run before anything starts */
	e = regcomp(&re, v, REG_EXTENDED | REG_NOSUB);
	if (e) {
		regerror(e, &re, why, sizeof(why));
		return fail(c, "'%s' does not compile: %s", v, why);
	}
	regfree(&re);
	c->w->ready_log = strdup(v);
	return c->w->ready_log ? 0 : -ENOMEM;
}

static int set_rlimit(struct parse_ctx *c, const char *name, const char *v)
{
	enum worker_rlimit k;
	char why[128];
	uint64_t val;

	if (rlimit_lookup(name, &k) < 0)
		return fail(c, "unknown limit (rlimit.memlock, rlimit.as, rlimit.nofile)");
	if (rlimit_parse(k, v, &val, why, sizeof(why)) < 0)
		return fail(c, "%s", why);
	c->w->rlimits[k] =
		(struct worker_rlimit_setting){ .set = true, .value = val, .line = c->line };
	return 0;
}

static int set_workdir(struct parse_ctx *c, const char *v)
{
	if (strcmp(v, "auto"))
		return fail(c, "'%s': only 'auto' (a directory the run creates and removes)", v);
	c->p->workdir_auto = true;
	return 0;
}

/* ---- groups, qos (issue 8: cgroup trees and the presets people use) ---- */

static bool group_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				 "0123456789_-") == n;
}

/* A group name given as a value (parent =, group =, trigger_group =). */
static int val_group_name(struct parse_ctx *c, const char *v,
			  char out[static PROFILE_GROUP_NAME_MAX + 1])
{
	if (strlen(v) > PROFILE_GROUP_NAME_MAX)
		return fail(c, "'%s' is longer than %d characters", v, PROFILE_GROUP_NAME_MAX);
	if (!group_name_ok(v))
		return fail(c, "'%s' is no group name (A-Z a-z 0-9 _ -)", v);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int set_trigger_group(struct parse_ctx *c, const char *v)
{
	c->trigger_group_line = c->line;
	return val_group_name(c, v, c->trigger_group_name);
}

static int set_node_memory(struct parse_ctx *c, const char *v)
{
	int r = val_size(c, v, &c->p->node_memory);

	if (r < 0)
		return r;
	if (!c->p->node_memory)
		return fail(c, "must be > 0");
	c->p->has_node_memory = true;
	return 0;
}

static int set_worker_group(struct parse_ctx *c, const char *v)
{
	cur_lines(c)->group = c->line;
	return val_group_name(c, v, cur_lines(c)->group_name);
}

static int set_qos(struct parse_ctx *c, const char *v)
{
	if (qos_parse(v, &c->w->qos) < 0)
		return fail(c, "unknown QoS class '%s' (guaranteed, burstable, besteffort)", v);
	cur_lines(c)->qos = c->line;
	return 0;
}

static int set_request(struct parse_ctx *c, const char *v)
{
	cur_lines(c)->request = c->line;
	c->w->has_request = true;
	return val_size(c, v, &c->w->request);
}

static int set_worker_memory_limit(struct parse_ctx *c, const char *v)
{
	int r = val_size(c, v, &c->w->memory_limit);

	if (r < 0)
		return r;
	if (!c->w->memory_limit)
		return fail(c, "must be > 0");
	cur_lines(c)->memory_limit = c->line;
	c->w->has_memory_limit = true;
	return 0;
}

static struct group_lines *cur_glines(struct parse_ctx *c)
{
	return &c->gl[c->g - c->p->groups];
}

static int set_group_parent(struct parse_ctx *c, const char *v)
{
	cur_glines(c)->parent = c->line;
	return val_group_name(c, v, cur_glines(c)->parent_name);
}

/* memory_limit, memory_high, memory_low, memory_min: a size > 0. */
static int group_size(struct parse_ctx *c, const char *v, bool *has, uint64_t *val, int *line)
{
	int r = val_size(c, v, val);

	if (r < 0)
		return r;
	if (!*val)
		return fail(c, "must be > 0");
	*has = true;
	if (line)
		*line = c->line;
	return 0;
}

static int set_group_memory_limit(struct parse_ctx *c, const char *v)
{
	return group_size(c, v, &c->g->has_memory_limit, &c->g->memory_limit,
			  &cur_glines(c)->memory_limit);
}

static int set_group_memory_high(struct parse_ctx *c, const char *v)
{
	return group_size(c, v, &c->g->has_memory_high, &c->g->memory_high,
			  &cur_glines(c)->memory_high);
}

static int set_group_memory_low(struct parse_ctx *c, const char *v)
{
	return group_size(c, v, &c->g->has_memory_low, &c->g->memory_low,
			  &cur_glines(c)->memory_low);
}

static int set_group_memory_min(struct parse_ctx *c, const char *v)
{
	return group_size(c, v, &c->g->has_memory_min, &c->g->memory_min,
			  &cur_glines(c)->memory_min);
}

static int set_group_swap_max(struct parse_ctx *c, const char *v)
{
	/* 0 is meaningful here: no swap for this group */
	int r = val_size(c, v, &c->g->swap_max);

	if (r < 0)
		return r;
	c->g->has_swap_max = true;
	return 0;
}

static int set_group_oom_group(struct parse_ctx *c, const char *v)
{
	return val_bool(c, v, &c->g->oom_group);
}

static int set_group_expect(struct parse_ctx *c, const char *v)
{
	if (!strcmp(v, "protected"))
		c->g->expect_protected = true;
	else if (strcmp(v, "any"))
		return fail(c, "'%s' is not a group expectation (protected, any)", v);
	return 0;
}

struct key_def {
	const char *name;
	int (*set)(struct parse_ctx *c, const char *v);
};

static const struct key_def profile_keys[] = {
	{ "description", set_description },
	{ "memory_limit", set_memory_limit },
	{ "trigger", set_trigger },
	{ "timeout", set_timeout },
	{ "oom_group", set_oom_group },
	{ "swap", set_swap },
	{ "init_hog", set_init_hog },
	{ "needs", set_needs },
	{ "expect", set_run_expect },
	{ "workdir", set_workdir },
	{ "trigger_group", set_trigger_group },
	{ "node_memory", set_node_memory },
	{ NULL, NULL },
};

static const struct key_def claim_keys[] = {
	{ "id", set_claim_id },
	{ "text", set_claim_text },
	{ "judge", set_claim_judge },
	{ NULL, NULL },
};

static const struct key_def worker_keys[] = {
	{ "pattern", set_pattern },
	{ "command", set_command },
	{ "size", set_size },
	{ "ramp", set_ramp },
	{ "ramp_rate", set_ramp },
	{ "hold", set_hold },
	{ "cycles", set_cycles },
	{ "children", set_children },
	{ "parent_size", set_parent_size },
	{ "oom_score_adj", set_oom_score_adj },
	{ "oom_adj", set_oom_adj },
	{ "nice", set_nice },
	{ "user", set_user },
	{ "caps", set_caps },
	{ "count", set_count },
	{ "expect", set_worker_expect },
	{ "cpu_burn", set_cpu_burn },
	{ "start_delay", set_start_delay },
	{ "allocating", set_allocating },
	{ "ready_cmd", set_ready_cmd },
	{ "ready_port", set_ready_port },
	{ "ready_log", set_ready_log },
	{ "setup", set_setup },
	{ "teardown", set_teardown },
	{ "group", set_worker_group },
	{ "qos", set_qos },
	{ "request", set_request },
	{ "memory_limit", set_worker_memory_limit },
	{ NULL, NULL },
};

static const struct key_def group_keys[] = {
	{ "parent", set_group_parent },
	{ "memory_limit", set_group_memory_limit },
	{ "memory_high", set_group_memory_high },
	{ "memory_low", set_group_memory_low },
	{ "memory_min", set_group_memory_min },
	{ "swap_max", set_group_swap_max },
	{ "oom_group", set_group_oom_group },
	{ "expect", set_group_expect },
	{ NULL, NULL },
};

/* ---- sections ---- */

/* Worker keys that only some patterns take: the pattern table says which. */
static const struct {
	const char *key;
	unsigned opt;	 /* enum pattern_opt */
	size_t line_off; /* its line in struct worker_lines */
} pattern_keys[] = {
	{ "children", PATTERN_OPT_CHILDREN, offsetof(struct worker_lines, children) },
	{ "parent_size", PATTERN_OPT_PARENT_SIZE, offsetof(struct worker_lines, parent_size) },
	{ "cycles", PATTERN_OPT_CYCLES, offsetof(struct worker_lines, cycles) },
};

static int end_worker(struct parse_ctx *c)
{
	struct worker_spec *w = c->w;
	struct worker_lines *wl = cur_lines(c);

	if (!w->pattern && !w->argv) {
		w->pattern = strdup(PATTERN_DEFAULT);
		if (!w->pattern)
			return -ENOMEM;
	}
	if (w->pattern) {
		if (!wl->size)
			return fail_at(c, w->line, "size",
				       "required for pattern workers (e.g. size = 100M)");
		if (!w->size)
			return fail_at(c, wl->size, "size", "must be > 0 for pattern workers");
	}
	for (size_t i = 0; i < ARRAY_SIZE(pattern_keys); i++) {
		int line = *(const int *)((const char *)wl + pattern_keys[i].line_off);
		char names[256];

		if (line && !pattern_takes(w->pattern, pattern_keys[i].opt))
			return fail_at(c, line, pattern_keys[i].key, "only for pattern = %s",
				       pattern_names_with(pattern_keys[i].opt, NULL, names,
							  sizeof(names)));
	}
	if (w->expect == EXPECT_KILLED_NTH && w->count > 1)
		return fail_at(
			c, wl->expect, "expect",
			"'killed %u' names one victim but count = %u; use 'killed' or 'survives'",
			w->expect_pos, w->count);
	c->instances += w->count;
	if (c->instances > MAX_INSTANCES)
		return fail_at(c, wl->count ? wl->count : w->line, "count",
			       "%u instances in all; at most %d", c->instances, MAX_INSTANCES);
	return 0;
}

static int end_section(struct parse_ctx *c)
{
	int r = 0;

	if (c->sec == SEC_WORKER)
		r = end_worker(c);
	else if (c->sec == SEC_CLAIM && !c->p->claim_id)
		r = fail_at(c, c->sec_line, "id", "required in [claim] (1..14)");
	else if (c->sec == SEC_CLAIM && !c->p->claim)
		r = fail_at(c, c->sec_line, "text", "required in [claim]");
	c->sec = SEC_NONE;
	c->w = NULL;
	c->g = NULL;
	return r;
}

static int begin_worker(struct parse_ctx *c, const char *name)
{
	struct profile *p = c->p;
	struct worker_spec *w;
	size_t n = strlen(name);

	if (!n)
		return fail(c, "[worker] needs a name: [worker NAME]");
	if (n > PROFILE_NAME_MAX)
		return fail(c, "name '%s' is longer than %d characters (comm)", name,
			    PROFILE_NAME_MAX);
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return fail(c, "name '%s': use only A-Z a-z 0-9 _ -", name);
	for (unsigned i = 0; i < p->nworkers; i++)
		if (!strcmp(p->workers[i].name, name))
			return fail(c, "duplicate worker name '%s' (first at line %d)", name,
				    p->workers[i].line);
	if (p->nworkers >= PROFILE_MAX_WORKERS)
		return fail(c, "more than %d workers", PROFILE_MAX_WORKERS);
	w = &p->workers[p->nworkers++];
	memcpy(w->name, name, n + 1);
	w->line = c->line;
	w->hold_ms = -1;
	w->count = 1;
	c->w = w;
	return 0;
}

static int begin_group(struct parse_ctx *c, const char *name)
{
	struct profile *p = c->p;
	struct group_spec *g;
	size_t n = strlen(name);

	if (!n)
		return fail(c, "[group] needs a name: [group NAME]");
	if (n > PROFILE_GROUP_NAME_MAX)
		return fail(c, "name '%s' is longer than %d characters", name,
			    PROFILE_GROUP_NAME_MAX);
	if (!group_name_ok(name))
		return fail(c, "name '%s': use only A-Z a-z 0-9 _ -", name);
	for (unsigned i = 0; i < p->ngroups; i++)
		if (!strcmp(p->groups[i].name, name))
			return fail(c, "duplicate group name '%s' (first at line %d)", name,
				    p->groups[i].line);
	if (p->ngroups >= PROFILE_MAX_GROUPS)
		return fail(c, "more than %d groups", PROFILE_MAX_GROUPS);
	g = &p->groups[p->ngroups++];
	memcpy(g->name, name, n + 1);
	g->line = c->line;
	g->parent = PROFILE_GROUP_RUN;
	c->g = g;
	return 0;
}

/*
 * s is "[...]" with leading blanks gone, maybe followed by a comment;
 * out gets the header as inih should see it.
 */
static int section_line(struct parse_ctx *c, char *s, char *out, size_t len)
{
	char *close = strchr(s, ']'), *after, *kind, *name;
	int r;

	c->field = "section";
	if (!close)
		return fail(c, "'%s': no closing ']'", s);
	after = lskip(close + 1);
	if (*after && *after != ';' && *after != '#')
		return fail(c, "text after ']'");
	*close = 0;
	kind = lskip(s + 1);
	rstrip(kind);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = 0;
	name = lskip(name);

	r = end_section(c);
	if (r < 0)
		return r;
	c->nseen = 0;
	c->sec_line = c->line;
	if (!strcmp(kind, "worker")) {
		c->field = "worker";
		r = begin_worker(c, name);
		if (r < 0)
			return r;
		c->sec = SEC_WORKER;
		snprintf(out, len, "[worker %s]\n", name);
		return 0;
	}
	if (!strcmp(kind, "group")) {
		c->field = "group";
		r = begin_group(c, name);
		if (r < 0)
			return r;
		c->sec = SEC_GROUP;
		snprintf(out, len, "[group %s]\n", name);
		return 0;
	}
	if (strcmp(kind, "profile") && strcmp(kind, "claim"))
		return fail(c,
			    "unknown section [%s] (expected [profile], [claim], [worker NAME] "
			    "or [group NAME])",
			    kind);
	if (*name)
		return fail(c, "[%s] takes no name", kind);
	if (!strcmp(kind, "profile")) {
		if (c->profile_line)
			return fail(c, "duplicate section [profile] (first at line %d)",
				    c->profile_line);
		c->profile_line = c->line;
		c->sec = SEC_PROFILE;
	} else if (!strcmp(kind, "claim")) {
		if (c->claim_line)
			return fail(c, "duplicate section [claim] (first at line %d)",
				    c->claim_line);
		c->claim_line = c->line;
		c->sec = SEC_CLAIM;
	}
	snprintf(out, len, "[%s]\n", kind);
	return 0;
}

/*
 * Strip a ';' comment (one preceded by a blank, as fio and inih have it)
 * that is outside quotes, and hide any ';' inside quotes from inih. For
 * command = quotes count as sh counts them (the value is split shell-like
 * later); for other keys only a value that starts with '"' is quoted.
 */
static int key_line(struct parse_ctx *c, char *s)
{
	char *sep = s + strcspn(s, "=:"), *i;
	char quote = 0;
	bool shell;

	if (!*sep)
		return fail(c, "expected 'key = value'");
	i = s + strcspn(s, " \t=:");
	shell = (i - s == 7 && !strncmp(s, "command", 7)) ||
		(i - s == 9 && !strncmp(s, "ready_cmd", 9)) ||
		(i - s == 5 && !strncmp(s, "setup", 5)) ||
		(i - s == 8 && !strncmp(s, "teardown", 8));
	i = lskip(sep + 1);
	if (!shell && *i == '"')
		quote = *i++;
	for (; *i; i++) {
		if (quote) {
			if (*i == quote)
				quote = 0;
			else if (*i == '\\' && quote == '"' && i[1])
				i++;
			else if (*i == ';')
				*i = SEMI_HIDDEN;
		} else if (*i == ';' && isspace((unsigned char)i[-1])) {
			*i = 0;
			break;
		} else if (shell && (*i == '\'' || *i == '"')) {
			quote = *i;
		} else if (shell && *i == '\\' && i[1]) {
			i++;
		}
	}
	rstrip(s);
	return 0;
}

/* The ini_reader: one physical line per call, so inih's count is ours. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	char *s, *line;
	size_t n;
	int r;

	if (c->failed)
		return NULL;
	/* bounded: a file without newlines is refused, not read whole */
	r = line_read(&c->lr, &line, &n);
	if (r == -E2BIG) {
		c->line++;
		fail(c, "line longer than %d bytes (is this a profile?)", RAW_LINE_MAX);
		return NULL;
	}
	if (r == -ENOMEM) {
		c->enomem = true;
		fail(c, "out of memory");
	}
	if (r <= 0)
		return NULL;
	c->line++;
	c->field = "";
	s = line;
	if (c->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	if (n != strlen(line)) {
		fail(c, "NUL byte in line");
		return NULL;
	}
	for (char *i = s; *i; i++) {
		if ((unsigned char)*i < 0x20 && !isspace((unsigned char)*i)) {
			fail(c, "control character 0x%02x in line", (unsigned char)*i);
			return NULL;
		}
	}
	s = lskip(s);
	rstrip(s);
	if (*s == '[')
		return section_line(c, s, str, (size_t)num) < 0 ? NULL : str;
	if (!*s || *s == ';' || *s == '#')
		s[0] = 0;
	else if (key_line(c, s) < 0)
		return NULL;
	/*
	 * inih reads into a fixed buffer of INI_MAX_LINE (200 in Debian's
	 * build) and would cut a longer line in two, silently.
	 */
	if (strlen(s) + 2 > (size_t)num) {
		fail(c, "line longer than %d characters", num - 2);
		return NULL;
	}
	snprintf(str, (size_t)num, "%s\n", s);
	return str;
}

static int handle_key(struct parse_ctx *c, const char *key, const char *v)
{
	const struct key_def *keys = NULL;
	const char *secname = "profile";
	/* aliases count as the same key for "given twice" */
	const char *canon = strcmp(key, "ramp_rate") ? key : "ramp";
	const char *sd = qos_systemd_alias(key);
	unsigned i;

	if (c->sec == SEC_NONE)
		return fail(c, "key outside any section (start with [profile])");
	/* systemd's unit keys (MemoryMax= ...) and kubernetes' limit = */
	if (sd && (c->sec == SEC_GROUP || c->sec == SEC_WORKER))
		canon = sd;
	if (c->sec == SEC_WORKER && !strcmp(key, "limit"))
		canon = "memory_limit";
	if (c->sec == SEC_WORKER && sd && strcmp(sd, "memory_limit") && strcmp(sd, "oom_score_adj"))
		return fail(c,
			    "a worker's own cgroup takes MemoryMax= only: put %s= on a "
			    "[group] and give the worker group = NAME",
			    key);
	if (c->sec == SEC_GROUP && sd && !strcmp(sd, "oom_score_adj"))
		return fail(c, "a group has no oom_score_adj: set %s= on its workers", key);
	for (i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i].name, canon))
			return fail(c, "given twice in this section (first at line %d)",
				    c->seen[i].line);
	if (c->nseen >= MAX_SEEN_KEYS)
		return fail(c, "more than %d keys in one section", MAX_SEEN_KEYS);
	snprintf(c->seen[c->nseen].name, sizeof(c->seen[0].name), "%s", canon);
	c->seen[c->nseen++].line = c->line;

	switch (c->sec) {
	case SEC_PROFILE:
		if (!strncmp(key, "sysctl.", 7))
			return set_knob(c, false, key + 7, v);
		if (!strncmp(key, "sysfs.", 6))
			return set_knob(c, true, key + 6, v);
		keys = profile_keys;
		break;
	case SEC_CLAIM:
		if (!strncmp(key, "predict.", 8))
			return set_claim_predict(c, key + 8, v);
		keys = claim_keys;
		secname = "claim";
		break;
	case SEC_WORKER:
		if (!strncmp(key, "rlimit.", 7))
			return set_rlimit(c, key + 7, v);
		keys = worker_keys;
		break;
	case SEC_GROUP:
		keys = group_keys;
		break;
	case SEC_NONE:
		break;
	}
	for (; keys && keys->name; keys++)
		if (!strcmp(keys->name, canon))
			return keys->set(c, v);
	if (c->sec == SEC_WORKER)
		return fail(c, "unknown key in [worker %s]", c->w->name);
	if (c->sec == SEC_GROUP)
		return fail(c, "unknown key in [group %s]", c->g->name);
	return fail(c, "unknown key in [%s]", secname);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	char key[256], val[256];
	int r;

	if (c->failed)
		return 0;
	snprintf(key, sizeof(key), "%s", name);
	snprintf(val, sizeof(val), "%s", value ? value : "");
	for (char *i = val; *i; i++)
		if (*i == SEMI_HIDDEN)
			*i = ';';
	c->field = key;
	r = handle_key(c, key, val);
	if (r == -ENOMEM) {
		c->enomem = true;
		fail(c, "out of memory");
	}
	c->field = "";
	return r == 0;
}

static __attribute__((format(printf, 4, 5))) int warn_at(struct parse_ctx *c, int line,
							 const char *field, const char *fmt, ...)
{
	struct profile *p = c->p;
	char msg[256], *w;
	va_list ap;

	if (p->nwarnings >= ARRAY_SIZE(p->warnings))
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&w, "%s:%d: %s: %s", c->err->file, line, field, msg) < 0)
		return -ENOMEM;
	p->warnings[p->nwarnings++] = w;
	return 0;
}

/* "a, b, c" of the groups' names, for "unknown group" errors. */
static const char *group_names(const struct profile *p, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < p->ngroups && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", p->groups[i].name);
	if (!p->ngroups)
		snprintf(buf, len, "the profile has no [group NAME] section");
	return buf;
}

/* The nearest group at or above g with a memory_limit, or -1. */
static int limited_ancestor(const struct profile *p, int g)
{
	for (; g >= 0; g = p->groups[g].parent)
		if (p->groups[g].has_memory_limit)
			return g;
	return -1;
}

/* MemTotal, the node capacity kubelet reads when node_memory is not given. */
static int machine_memory(uint64_t *ret)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kb;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) {
			*ret = (uint64_t)kb * 1024;
			return 0;
		}
	return -ENOENT;
}

/*
 * Groups: parents by name, no cycles, depths; workers' group = and qos;
 * trigger_group. A child limit above its parent's is legal (the parent's
 * is hit first) but useless: a warning.
 */
static int finish_groups(struct parse_ctx *c)
{
	struct profile *p = c->p;
	char names[256], b1[16], b2[16];
	bool need_capacity = false;

	for (unsigned i = 0; i < p->ngroups; i++) {
		struct group_lines *gl = &c->gl[i];
		int par;

		if (!gl->parent)
			continue;
		par = profile_group_find(p, gl->parent_name);
		if (par < 0)
			return fail_at(c, gl->parent, "parent", "unknown group '%s' (%s)",
				       gl->parent_name, group_names(p, names, sizeof(names)));
		if (par == (int)i)
			return fail_at(c, gl->parent, "parent", "group %s cannot be its own parent",
				       p->groups[i].name);
		p->groups[i].parent = par;
	}
	/* a cycle: walking up from a group meets it again within ngroups steps */
	for (unsigned i = 0; i < p->ngroups; i++) {
		int g = p->groups[i].parent;
		unsigned d = 1;

		for (; g >= 0 && g != (int)i && d <= p->ngroups; g = p->groups[g].parent)
			d++;
		if (g == (int)i) {
			size_t n = 0;

			names[0] = 0;
			g = (int)i;
			do {
				n += (size_t)snprintf(names + n, sizeof(names) - n, "%s -> ",
						      p->groups[g].name);
				g = p->groups[g].parent;
			} while (g != (int)i && n < sizeof(names));
			snprintf(names + (n < sizeof(names) ? n : sizeof(names) - 1),
				 sizeof(names) - (n < sizeof(names) ? n : sizeof(names) - 1), "%s",
				 p->groups[i].name);
			return fail_at(c, c->gl[i].parent, "parent", "the parents form a cycle: %s",
				       names);
		}
		p->groups[i].depth = (int)d;
	}
	for (unsigned i = 0; i < p->ngroups; i++) {
		const struct group_spec *g = &p->groups[i];
		int up = g->parent >= 0 ? limited_ancestor(p, g->parent) : -1;

		if (g->has_memory_limit && up >= 0 && g->memory_limit > p->groups[up].memory_limit)
			warn_at(c, c->gl[i].memory_limit, "memory_limit",
				"%s is above %s's %s: legal, but %s's limit is hit first",
				format_size(g->memory_limit, b1), p->groups[up].name,
				format_size(p->groups[up].memory_limit, b2), p->groups[up].name);
		else if (g->has_memory_limit && up < 0 && p->has_memory_limit &&
			 g->memory_limit > p->memory_limit)
			warn_at(c, c->gl[i].memory_limit, "memory_limit",
				"%s is above the run's memory_limit = %s: legal, but the run's "
				"limit is hit first",
				format_size(g->memory_limit, b1), format_size(p->memory_limit, b2));
		if (g->expect_protected && !g->has_memory_min && !g->has_memory_low)
			return fail_at(c, g->line, "expect",
				       "group %s is expected to keep its pages but sets neither "
				       "memory_min nor memory_low",
				       g->name);
		if (g->has_memory_min && g->has_memory_limit && g->memory_min > g->memory_limit)
			warn_at(c, c->gl[i].memory_min, "memory_min",
				"%s is above the group's own memory_limit = %s",
				format_size(g->memory_min, b1), format_size(g->memory_limit, b2));
	}
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker_spec *w = &p->workers[i];
		struct worker_lines *wl = &c->wl[i];
		int up;

		w->group = PROFILE_GROUP_RUN;
		if (wl->group) {
			w->group = profile_group_find(p, wl->group_name);
			if (w->group < 0)
				return fail_at(c, wl->group, "group", "unknown group '%s' (%s)",
					       wl->group_name,
					       group_names(p, names, sizeof(names)));
		}
		/* the worker's own leaf, w-NAME, sits beside its group's child
		 * groups */
		for (unsigned k = 0; k < p->ngroups; k++)
			if (p->groups[k].parent == w->group &&
			    !strncmp(p->groups[k].name, "w-", 2) &&
			    !strcmp(p->groups[k].name + 2, w->name))
				return fail_at(
					c, p->groups[k].line, "group",
					"'%s' is the name of worker %s's own cgroup (line %d) "
					"in the same parent",
					p->groups[k].name, w->name, w->line);
		up = limited_ancestor(p, w->group);
		if (w->has_memory_limit && up >= 0 && w->memory_limit > p->groups[up].memory_limit)
			warn_at(c, wl->memory_limit, "memory_limit",
				"%s is above %s's %s: legal, but %s's limit is hit first",
				format_size(w->memory_limit, b1), p->groups[up].name,
				format_size(p->groups[up].memory_limit, b2), p->groups[up].name);
		if (w->has_memory_limit && w->size > w->memory_limit)
			return fail_at(c, wl->memory_limit, "memory_limit",
				       "%s is below the worker's size = %s: its own cgroup would "
				       "OOM during the ramp",
				       format_size(w->memory_limit, b1), format_size(w->size, b2));
		if (w->has_request && !wl->qos)
			return fail_at(c, wl->request, "request",
				       "only with qos = burstable or guaranteed");
		if (!wl->qos)
			continue;
		if (wl->oom_score_adj)
			return fail_at(c, wl->oom_score_adj, "oom_score_adj",
				       "qos = %s sets oom_score_adj (line %d): give one of them",
				       qos_name(w->qos), wl->qos);
		switch (w->qos) {
		case QOS_BURSTABLE:
			if (!w->has_request)
				return fail_at(c, wl->qos, "qos",
					       "burstable needs request = SIZE (kubelet's adj is "
					       "1000 - 1000*request/node_memory)");
			if (w->has_memory_limit && w->request > w->memory_limit)
				return fail_at(c, wl->request, "request",
					       "%s is above the worker's limit = %s",
					       format_size(w->request, b1),
					       format_size(w->memory_limit, b2));
			if (w->has_memory_limit && w->request == w->memory_limit)
				return fail_at(
					c, wl->qos, "qos",
					"request = limit is qos = guaranteed, not burstable");
			need_capacity = true;
			break;
		case QOS_GUARANTEED:
			if (!w->has_memory_limit)
				return fail_at(c, wl->qos, "qos",
					       "guaranteed needs limit = SIZE (its request equals "
					       "its limit)");
			if (w->has_request && w->request != w->memory_limit)
				return fail_at(c, wl->request, "request",
					       "guaranteed means request = limit (%s), not %s",
					       format_size(w->memory_limit, b1),
					       format_size(w->request, b2));
			break;
		case QOS_BESTEFFORT:
			if (w->has_request || w->has_memory_limit)
				return fail_at(c, w->has_request ? wl->request : wl->memory_limit,
					       w->has_request ? "request" : "memory_limit",
					       "qos = besteffort has no request or limit");
			break;
		case QOS_NONE:
			break;
		}
	}
	if (need_capacity && !p->has_node_memory) {
		int r = machine_memory(&p->node_memory);

		if (r < 0)
			return fail_at(c, 0, "node_memory",
				       "cannot read MemTotal for kubelet's node capacity (%s): "
				       "give node_memory = SIZE",
				       strerror(-r));
	}
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker_spec *w = &p->workers[i];

		if (!w->qos)
			continue;
		if (qos_oom_score_adj(w->qos, w->request, p->node_memory, &w->oom_score_adj) < 0)
			return fail_at(c, c->wl[i].qos, "qos", "no node capacity");
		if (w->oom_score_adj < 0)
			p->needs_negative_adj = true;
	}
	p->trigger_group = PROFILE_GROUP_RUN;
	if (c->trigger_group_line) {
		p->trigger_group = profile_group_find(p, c->trigger_group_name);
		if (p->trigger_group < 0)
			return fail_at(c, c->trigger_group_line, "trigger_group",
				       "names no group: '%s' (%s)", c->trigger_group_name,
				       group_names(p, names, sizeof(names)));
		if (trigger_of(p)->steps_limit && !p->groups[p->trigger_group].has_memory_limit)
			return fail_at(c, c->trigger_group_line, "trigger_group",
				       "trigger = limit steps %s's memory_limit down, and %s has "
				       "none",
				       c->trigger_group_name, c->trigger_group_name);
	}
	return 0;
}

/* Run-wide checks once every section is in. */
static int finish(struct parse_ctx *c)
{
	struct profile *p = c->p;
	unsigned maxpos = 0;
	char o1[16], o2[16];
	int r;

	r = end_section(c);
	if (r < 0)
		return r;
	if (!c->profile_line)
		return fail_at(c, 0, "", "no [profile] section");
	if (!p->nworkers)
		return fail_at(c, 0, "", "no [worker NAME] section");
	r = finish_groups(c);
	if (r < 0)
		return r;

	for (unsigned i = 0; i < p->nworkers; i++) {
		const struct worker_spec *w = &p->workers[i];

		if (w->expect != EXPECT_KILLED_NTH)
			continue;
		for (unsigned j = 0; j < i; j++)
			if (p->workers[j].expect == EXPECT_KILLED_NTH &&
			    p->workers[j].expect_pos == w->expect_pos)
				return fail_at(
					c, c->wl[i].expect, "expect",
					"worker %s is already expected to be 'killed %u' (line %d)",
					p->workers[j].name, w->expect_pos, c->wl[j].expect);
		if (w->expect_pos > maxpos)
			maxpos = w->expect_pos;
	}
	/* positions must be 1..maxpos without gaps */
	for (unsigned pos = 1; pos < maxpos; pos++) {
		unsigned i, next = 0;

		for (i = 0; i < p->nworkers; i++)
			if (p->workers[i].expect == EXPECT_KILLED_NTH &&
			    p->workers[i].expect_pos == pos)
				break;
		if (i < p->nworkers)
			continue;
		/* blame the first position after the gap */
		for (i = 0; i < p->nworkers; i++)
			if (p->workers[i].expect == EXPECT_KILLED_NTH &&
			    p->workers[i].expect_pos > pos &&
			    (!next || p->workers[i].expect_pos < p->workers[next - 1].expect_pos))
				next = i + 1;
		return fail_at(
			c, c->wl[next - 1].expect, "expect",
			"'killed %u' but no worker is 'killed %u': the kernel cannot kill a %s before a %s",
			p->workers[next - 1].expect_pos, pos,
			ordinal(p->workers[next - 1].expect_pos, o1), ordinal(pos, o2));
	}
	return 0;
}

static int parse_stream(const char *name, FILE *f, struct profile **ret, struct profile_error *err)
{
	struct profile_error dummy;
	struct parse_ctx *c;
	struct profile *p;
	int r;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);

	c = calloc(1, sizeof(*c));
	p = calloc(1, sizeof(*p));
	if (!c || !p) {
		r = -ENOMEM;
		goto out;
	}
	p->path = strdup(name);
	if (!p->path) {
		r = -ENOMEM;
		goto out;
	}
	p->trigger = TRIGGER_PRESSURE;
	p->timeout_ms = 30000;
	p->run_expect = RUN_EXPECT_KILLS;
	c->p = p;
	c->err = err;
	line_reader_init(&c->lr, f, RAW_LINE_MAX);
	c->field = "";

	r = ini_parse_stream(reader, c, handler, c);
	if (c->failed) {
		r = c->enomem ? -ENOMEM : -EINVAL;
		goto out;
	}
	if (ferror(f)) {
		r = -EIO;
		fail_at(c, c->line, "", "read error");
		goto out;
	}
	if (r == -2) {
		r = -ENOMEM;
		goto out;
	}
	if (r > 0) {
		/* the reader catches malformed lines; this is a backstop */
		r = fail_at(c, r, "", "syntax error");
		goto out;
	}
	r = finish(c);
	if (r < 0)
		goto out;
	*ret = TAKE_PTR(p);
	r = 0;
out:
	if (r == -ENOMEM && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	if (c)
		line_reader_done(&c->lr);
	free(c);
	profile_free(p);
	return r;
}

int profile_parse_file(const char *path, struct profile **ret, struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_close_ int fd = -1;
	const char *why = NULL;
	struct stat st;
	int r;

	/*
	 * O_NONBLOCK: opening a FIFO for reading blocks until a writer comes;
	 * fstat first, then refuse what is not a regular file (a directory
	 * reads EISDIR, shown as "Input/output error"; /dev/zero never ends).
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		why = strerror(-r);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		why = S_ISDIR(st.st_mode)    ? "is a directory, not a profile file"
		      : S_ISFIFO(st.st_mode) ? "is a FIFO, not a profile file"
		      : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
			      ? "is a device, not a profile file"
			      : "is not a regular file";
		goto fail;
	}
	if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "r"))) {
		r = -errno;
		why = strerror(-r);
		goto fail;
	}
	fd = -1; /* f owns it */
	return parse_stream(path, f, ret, err);
fail:
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "%s", why);
	}
	return r;
}

int profile_parse_string(const char *name, const char *text, struct profile **ret,
			 struct profile_error *err)
{
	_cleanup_fclose_ FILE *f = NULL;

	/* fmemopen() of an empty buffer fails (size 0) on older glibc */
	f = fmemopen((void *)(*text ? text : "\n"), *text ? strlen(text) : 1, "r");
	if (!f)
		return -errno;
	return parse_stream(name, f, ret, err);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->nworkers; i++) {
		free(p->workers[i].pattern);
		strv_free(p->workers[i].argv);
		strv_free(p->workers[i].ready_cmd);
		strv_free(p->workers[i].setup_cmd);
		strv_free(p->workers[i].teardown_cmd);
		free(p->workers[i].ready_log);
	}
	for (size_t i = 0; i < ARRAY_SIZE(p->claim_predict); i++)
		free(p->claim_predict[i]);
	for (unsigned i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->claim);
	free(p->description);
	free(p->path);
	free(p);
}

const char *profile_error_str(const struct profile_error *e, char *buf, size_t len)
{
	char where[300];

	if (e->line > 0)
		snprintf(where, sizeof(where), "%s:%d", e->file, e->line);
	else
		snprintf(where, sizeof(where), "%s", e->file);
	if (e->field[0])
		snprintf(buf, len, "%s: %s: %s", where, e->field, e->msg);
	else
		snprintf(buf, len, "%s: %s", where, e->msg);
	return buf;
}

/* ---- validation before anything starts (defect 5 of issue 7) ---- */

/* How the kernel can take back a worker's memory. */
enum mem_kind {
	MEM_ANON,   /* reclaimable only to swap */
	MEM_SHMEM,  /* likewise: shmem pages swap, they are never dropped */
	MEM_LOCKED, /* unevictable: neither dropped nor swapped */
	MEM_CACHE,  /* clean page cache: dropped under pressure */
};

/*
 * The pattern table's flags say it (stressors/patterns.c); a command, whose
 * RSS must reach size before the trigger, counts as anonymous memory.
 */
static enum mem_kind worker_mem_kind(const struct worker_spec *w)
{
	if (pattern_has_flag(w->pattern, PATTERN_F_PAGE_CACHE))
		return MEM_CACHE;
	if (pattern_has_flag(w->pattern, PATTERN_F_SHMEM))
		return MEM_SHMEM;
	if (pattern_has_flag(w->pattern, PATTERN_F_MLOCKED))
		return MEM_LOCKED;
	return MEM_ANON;
}

/*
 * Beyond the sizes, each process of a worker is charged its own stack,
 * heap and page tables: measured here (6.18, 64M worker of each pattern)
 * 1.3-2.2 MiB over size, of which VmPTE ~170 KiB (8 bytes per 4 KiB page,
 * size/512). So 1 MiB per process plus size/256, and 2 MiB for the
 * pressure process that must start inside the memcg too.
 */
#define MARGIN_PER_PROC MIB
#define MARGIN_PRESSURE (2 * MIB)

static uint64_t worker_margin(const struct worker_spec *w)
{
	return MARGIN_PER_PROC * (1 + w->children) + w->size / 256;
}

/*
 * The workers ramp and hold before the trigger: if what the kernel cannot
 * reclaim does not fit memory_limit, the memcg OOMs during the ramp (a
 * real OOM, then BROK). Page cache is reclaimable and may exceed the
 * limit (a bench scenario fills cache beyond it on purpose); anon and
 * shmem may exceed it by the profile's swap; mlocked pages may not.
 * Without memory_limit (a global trigger in a VM) the guest's size is not
 * known here.
 */
/*
 * One memcg with a limit: the run's cgroup, a [group] with memory_limit
 * or a worker's own leaf. in(w) says which workers it holds (its subtree:
 * a v1 or v2 limit charges the whole subtree, use_hierarchy = 1).
 */
struct fit_domain {
	const char *what; /* "memory_limit", "group pod's memory_limit" */
	uint64_t limit, swap;
	int line;   /* where the limit is set */
	int group;  /* subtree of this group, PROFILE_GROUP_RUN = all */
	int worker; /* only this worker (its leaf), -1 = by group */
};

static bool fit_holds(const struct profile *p, const struct fit_domain *d, unsigned i)
{
	if (d->worker >= 0)
		return (int)i == d->worker;
	return d->group == PROFILE_GROUP_RUN ||
	       profile_group_within(p, p->workers[i].group, d->group);
}

static int fit_check(const struct profile *p, const struct fit_domain *d, struct profile_error *err)
{
	uint64_t lim = d->limit, swap = d->swap, locked = 0, swappable = 0;
	uint64_t margin = MARGIN_PRESSURE, need;
	char b1[16], b2[16], b3[16], b4[16], b5[16], b6[16];

	for (unsigned i = 0; i < p->nworkers; i++) {
		const struct worker_spec *w = &p->workers[i];
		enum mem_kind k = worker_mem_kind(w);
		uint64_t m = worker_margin(w), room = lim;

		if (!fit_holds(p, d, i))
			continue;
		margin += m * w->count;
		if (k == MEM_CACHE)
			continue;
		if (k == MEM_LOCKED)
			locked += w->size * w->count;
		else
			swappable += w->size * w->count;
		if (k != MEM_LOCKED && room <= UINT64_MAX - swap)
			room += swap;
		if (w->size + m + MARGIN_PRESSURE <= room)
			continue;
		err->line = w->size_line ? w->size_line : w->line;
		snprintf(err->field, sizeof(err->field), "size");
		snprintf(err->msg, sizeof(err->msg),
			 "worker %s holds %s the kernel cannot reclaim (%s, + %s for its "
			 "processes and the pressure process), more than %s = %s%s%s: "
			 "the memcg would OOM before the trigger",
			 w->name, format_size(w->size, b1),
			 k == MEM_LOCKED  ? "mlocked"
			 : k == MEM_SHMEM ? "shmem"
					  : "anon",
			 format_size(m + MARGIN_PRESSURE, b2), d->what, format_size(lim, b3),
			 k != MEM_LOCKED && swap ? " + swap " : "",
			 k != MEM_LOCKED && swap ? format_size(swap, b4) : "");
		return -EINVAL;
	}
	/* swap takes anon and shmem, never mlocked pages */
	swappable = swappable > swap ? swappable - swap : 0;
	need = locked + swappable + margin;
	if (need <= lim)
		return 0;
	err->line = d->line;
	snprintf(err->field, sizeof(err->field), "memory_limit");
	/* the run's own limit is the field itself; a group's is named */
	snprintf(err->msg, sizeof(err->msg),
		 "%s%s%s is too small: before the trigger the workers hold %s the kernel "
		 "cannot reclaim (anon+shmem %s%s%s%s, mlocked %s, + %s for the processes): "
		 "the memcg would OOM",
		 d->group == PROFILE_GROUP_RUN && d->worker < 0 ? "" : d->what,
		 d->group == PROFILE_GROUP_RUN && d->worker < 0 ? "" : " = ", format_size(lim, b1),
		 format_size(need, b2), format_size(swappable, b3), swap ? " beyond the " : "",
		 swap ? format_size(swap, b4) : "", swap ? " of swap" : "", format_size(locked, b5),
		 format_size(margin, b6));
	return -EINVAL;
}

int profile_validate(const struct profile *p, struct profile_error *err)
{
	struct profile_error dummy;
	uint64_t swap = p->has_swap ? p->swap : 0;
	char what[PROFILE_GROUP_NAME_MAX + PROFILE_NAME_MAX + 32];
	int e;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", p->path ? p->path : "");
	/* Without memory_limit (a global trigger in a VM) the guest's size is
	 * not known here; groups and leaves inside it still are. */
	if (p->has_memory_limit) {
		struct fit_domain d = { "memory_limit",	      p->memory_limit,	 swap,
					p->memory_limit_line, PROFILE_GROUP_RUN, -1 };

		e = fit_check(p, &d, err);
		if (e < 0)
			return e;
	}
	for (unsigned g = 0; g < p->ngroups; g++) {
		const struct group_spec *gs = &p->groups[g];
		struct fit_domain d = {
			what,	  gs->memory_limit, gs->has_swap_max ? gs->swap_max : swap,
			gs->line, (int)g,	    -1
		};

		if (!gs->has_memory_limit)
			continue;
		snprintf(what, sizeof(what), "group %s's memory_limit", gs->name);
		e = fit_check(p, &d, err);
		if (e < 0)
			return e;
	}
	for (unsigned i = 0; i < p->nworkers; i++) {
		const struct worker_spec *w = &p->workers[i];
		struct fit_domain d = { what,	 w->memory_limit,   swap,
					w->line, PROFILE_GROUP_RUN, (int)i };

		if (!w->has_memory_limit)
			continue;
		snprintf(what, sizeof(what), "worker %s's memory_limit", w->name);
		e = fit_check(p, &d, err);
		if (e < 0)
			return e;
	}
	return 0;
}

int profile_group_find(const struct profile *p, const char *name)
{
	for (unsigned i = 0; i < p->ngroups; i++)
		if (!strcmp(p->groups[i].name, name))
			return (int)i;
	return -1;
}

bool profile_group_within(const struct profile *p, int g, int anc)
{
	if (anc == PROFILE_GROUP_RUN)
		return true;
	for (unsigned steps = 0; g >= 0 && steps <= p->ngroups; steps++) {
		if (g == anc)
			return true;
		g = p->groups[g].parent;
	}
	return false;
}

const char *profile_group_path(const struct profile *p, int g, char *buf, size_t len)
{
	char tmp[PROFILE_MAX_GROUPS * (PROFILE_GROUP_NAME_MAX + 1) + 1];

	buf[0] = 0;
	for (unsigned steps = 0; g >= 0 && steps <= p->ngroups; steps++) {
		snprintf(tmp, sizeof(tmp), "%s%s%s", p->groups[g].name, buf[0] ? "/" : "", buf);
		snprintf(buf, len, "%s", tmp);
		g = p->groups[g].parent;
	}
	return buf;
}

const char *trigger_name(enum trigger_kind t)
{
	return (unsigned)t < ntriggers ? triggers[t]->name : "unknown";
}

const char *expect_name(enum expect_kind e)
{
	switch (e) {
	case EXPECT_ANY:
		return "any";
	case EXPECT_KILLED:
		return "killed";
	case EXPECT_KILLED_NTH:
		return "killed-nth";
	case EXPECT_SURVIVES:
		return "survives";
	}
	return "unknown";
}
