// SPDX-License-Identifier: MIT
/*
 * Profile parser: every key of a good profile, every error with its exact
 * line and field, count bounds, the shell-like command split, and the
 * size/duration parsers from util.c it relies on.
 *
 * Run from the repository root (make unit does): fixtures are read by
 * relative path so that file names show up in the messages as a user
 * would see them.
 */
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "badness.h"
#include "pattern.h"
#include "profile.h"
#include "util.h"

#define FIX "tests/fixtures/profiles/"

static int check_cwd(void **state)
{
	if (access(FIX "good/full.ini", R_OK)) {
		print_error("run from the repository root: %s not found\n", FIX "good/full.ini");
		return -1;
	}
	return 0;
}

static struct profile *parse_good(const char *path)
{
	struct profile *p = NULL;
	struct profile_error e;
	char buf[512];
	int r = profile_parse_file(path, &p, &e);

	if (r < 0)
		print_error("%s\n", profile_error_str(&e, buf, sizeof(buf)));
	assert_int_equal(r, 0);
	assert_non_null(p);
	return p;
}

static void test_full(void **state)
{
	struct profile *p = parse_good(FIX "good/full.ini");
	const struct worker_spec *w;
	struct passwd *nobody = getpwnam("nobody");
	cap_value_t admin, rawio;

	assert_string_equal(p->path, FIX "good/full.ini");
	assert_string_equal(p->description, "Everything ; at once");
	assert_true(p->has_memory_limit);
	assert_int_equal(p->memory_limit, 256 * MIB);
	assert_int_equal(p->trigger, TRIGGER_LIMIT);
	assert_int_equal(p->timeout_ms, 45000);
	assert_true(p->oom_group);
	assert_true(p->has_swap);
	assert_int_equal(p->swap, 64 * MIB);
	assert_true(p->needs_vm);
	assert_true(p->needs_root);
	assert_true(p->needs_cgroup2);
	assert_true(p->needs_negative_adj);
	assert_int_equal(p->run_expect, RUN_EXPECT_PANIC);
	assert_int_equal(p->nsysctls, 2);
	assert_string_equal(p->sysctls[0].name, "vm.panic_on_oom");
	assert_string_equal(p->sysctls[0].value, "1");
	assert_string_equal(p->sysctls[1].name, "kernel.panic");
	assert_string_equal(p->sysctls[1].value, "-1");
	assert_int_equal(p->claim_id, 11);
	assert_string_equal(p->claim, "vm.panic_on_oom=1 panics instead of killing.");
	assert_string_equal(p->claim_predict[OOM_ERA_4_17], "panic");
	assert_string_equal(p->claim_predict[OOM_ERA_3_8], "panic");
	assert_string_equal(p->claim_predict[OOM_ERA_2_6_36], "panic");
	assert_string_equal(p->claim_predict[OOM_ERA_2_6_35], "panic");
	assert_null(p->claim_predict[OOM_ERA_AUTO]);
	assert_int_equal(p->nworkers, 3);

	w = &p->workers[0];
	assert_string_equal(w->name, "fork");
	assert_int_equal(w->line, 24);
	assert_string_equal(w->pattern, "fork-tree");
	assert_null(w->argv);
	assert_int_equal(w->size, 100 * MIB);
	assert_int_equal(w->ramp_bps, 50 * MIB);
	assert_int_equal(w->hold_ms, 10000);
	assert_int_equal(w->cycles, 3);
	assert_int_equal(w->children, 4);
	assert_int_equal(w->parent_size, 10 * MIB);
	assert_int_equal(w->oom_score_adj, -500);
	assert_true(w->has_oom_adj);
	assert_int_equal(w->oom_adj, -17);
	assert_int_equal(w->nice, 19);
	assert_non_null(nobody);
	assert_true(w->has_user);
	assert_int_equal(w->uid, nobody->pw_uid);
	assert_int_equal(w->gid, nobody->pw_gid);
	assert_string_equal(w->user, "nobody");
	assert_int_equal(cap_from_name("cap_sys_admin", &admin), 0);
	assert_int_equal(cap_from_name("cap_sys_rawio", &rawio), 0);
	assert_int_equal(w->caps, CAPS_LIST);
	assert_int_equal(w->ncaps, 2); /* CAP_SYS_ADMIN twice counts once */
	assert_int_equal(w->cap_list[0], admin);
	assert_int_equal(w->cap_list[1], rawio);
	assert_int_equal(w->count, 3);
	assert_int_equal(w->expect, EXPECT_KILLED);
	assert_int_equal(w->cpu_burn_ms, 5000);
	assert_int_equal(w->start_delay_ms, 2000);
	assert_true(w->is_pressure_target);

	w = &p->workers[1];
	assert_string_equal(w->name, "cmd");
	assert_int_equal(w->line, 43);
	assert_null(w->pattern);
	assert_non_null(w->argv);
	assert_string_equal(w->argv[0], "sh");
	assert_string_equal(w->argv[1], "-c");
	assert_string_equal(w->argv[2], "echo a ; exit 3");
	assert_string_equal(w->argv[3], "two words");
	assert_string_equal(w->argv[4], "it's");
	assert_null(w->argv[5]);
	assert_int_equal(w->size, 0);
	assert_int_equal(w->ramp_bps, 0);
	assert_int_equal(w->expect, EXPECT_KILLED_NTH);
	assert_int_equal(w->expect_pos, 1);
	assert_int_equal(w->caps, CAPS_NONE);
	assert_int_equal(w->hold_ms, -1);
	assert_int_equal(w->count, 1);

	w = &p->workers[2];
	assert_string_equal(w->name, "last");
	assert_string_equal(w->pattern, "page-touch");
	assert_int_equal(w->size, 3 * GIB / 2);
	assert_int_equal(w->hold_ms, -1);
	assert_int_equal(w->expect, EXPECT_SURVIVES);
	assert_int_equal(w->caps, CAPS_ALL);
	assert_true(w->has_user);
	assert_int_equal(w->uid, 0);
	assert_int_equal(w->gid, 0);
	profile_free(p);
}

static void test_defaults(void **state)
{
	struct profile *p = parse_good(FIX "good/minimal.ini");
	const struct worker_spec *w = &p->workers[0];

	assert_null(p->description);
	assert_false(p->has_memory_limit);
	assert_int_equal(p->trigger, TRIGGER_PRESSURE);
	assert_int_equal(p->timeout_ms, 30000);
	assert_false(p->oom_group);
	assert_false(p->has_swap);
	assert_false(p->needs_vm);
	assert_false(p->needs_negative_adj);
	assert_int_equal(p->run_expect, RUN_EXPECT_KILLS);
	assert_int_equal(p->nsysctls, 0);
	assert_null(p->claim);
	assert_int_equal(p->nworkers, 1);
	assert_string_equal(w->pattern, "page-touch");
	assert_int_equal(w->line, 2);
	assert_int_equal(w->size, MIB);
	assert_int_equal(w->hold_ms, -1);
	assert_int_equal(w->count, 1);
	assert_int_equal(w->oom_score_adj, 0);
	assert_false(w->has_oom_adj);
	assert_false(w->has_user);
	assert_int_equal(w->caps, CAPS_INHERIT);
	assert_int_equal(w->expect, EXPECT_ANY);
	assert_false(w->is_pressure_target);
	profile_free(p);
}

/* The limit below the workers' sum is a verdict matter, not a parse error. */
static void test_limit_below_sum(void **state)
{
	struct profile *p = parse_good(FIX "good/limit-below-sum.ini");

	assert_int_equal(p->memory_limit, 100 * MIB);
	assert_int_equal(p->nworkers, 3);
	assert_int_equal(p->workers[1].expect_pos, 2);
	profile_free(p);
}

static void test_count_max(void **state)
{
	struct profile *p = parse_good(FIX "good/count-max.ini");
	unsigned total = 0;

	for (unsigned i = 0; i < p->nworkers; i++)
		total += p->workers[i].count;
	assert_int_equal(total, 256);
	/* "aaaaaaaaaaaa.64" is exactly 15 characters */
	assert_int_equal(strlen(p->workers[0].name) + 3, PROFILE_NAME_MAX);
	profile_free(p);
}

struct bad_case {
	const char *file;
	int line;
	const char *field;
	const char *msg; /* substring of the message */
};

static const struct bad_case bad_cases[] = {
	{ "unknown-section", 3, "section", "unknown section [workers]" },
	{ "unknown-key-worker", 6, "sise", "unknown key in [worker hog]" },
	{ "unknown-key-profile", 3, "size", "unknown key in [profile]" },
	{ "bad-size", 7, "size", "'12XB' is not a size (use e.g. 100M, 4G)" },
	{ "bad-duration", 6, "hold", "'10 seconds' is not a duration" },
	{ "no-profile", 0, "", "no [profile] section" },
	{ "no-workers", 0, "", "no [worker NAME] section" },
	{ "dup-worker", 7, "worker", "duplicate worker name 'hog' (first at line 3)" },
	{ "adj-range", 5, "oom_score_adj", "-1000..1000" },
	{ "nice-range", 5, "nice", "-20..19" },
	{ "oom-adj-range", 5, "oom_adj", "-17..15" },
	{ "pattern-and-command", 6, "pattern",
	  "both pattern and command given (command at line 4)" },
	{ "unknown-pattern", 4, "pattern", "unknown pattern 'page_touch'" },
	{ "unknown-cap", 5, "caps", "unknown capability 'cap_sys_bogus'" },
	{ "unknown-user", 5, "user", "unknown user 'oomlab-no-such-user'" },
	{ "name-too-long", 3, "worker", "longer than 15 characters" },
	{ "name-count-too-long", 5, "count", "'abcdefghijklm.10' would be longer than 15" },
	{ "name-bad-char", 3, "worker", "use only A-Z a-z 0-9 _ -" },
	{ "bad-expect", 5, "expect", "'killed first' is not an expectation" },
	{ "dup-position", 8, "expect", "worker a is already expected to be 'killed 1' (line 5)" },
	{ "gap-position", 8, "expect",
	  "'killed 3' but no worker is 'killed 2': the kernel cannot kill a 3rd before a 2nd" },
	{ "dup-key", 6, "size", "given twice in this section (first at line 4)" },
	{ "dup-key-alias", 6, "ramp_rate", "given twice in this section (first at line 5)" },
	{ "count-range", 5, "count", "1..512" },
	{ "too-many-instances", 17, "count", "1280 instances in all; at most 1024" },
	{ "nth-with-count", 5, "expect", "'killed 1' names one victim but count = 3" },
	{ "children-not-fork-tree", 4, "children", "only for pattern = fork-tree" },
	{ "missing-size", 4, "size", "required for pattern workers" },
	{ "empty-worker", 5, "size", "required for pattern workers" },
	{ "sysctl-not-allowed", 4, "sysctl.kernel.sysrq", "only vm.* and kernel.panic*" },
	{ "sysctl-not-int", 3, "sysctl.vm.overcommit_memory", "'two' is not an integer" },
	{ "unknown-need", 3, "needs", "unknown need 'kvm'" },
	{ "bad-bool", 3, "oom_group", "'maybe' is not a boolean" },
	{ "bad-trigger", 2, "trigger", "unknown trigger 'panic'" },
	{ "key-outside-section", 2, "memory_limit", "key outside any section" },
	{ "no-equals", 3, "", "expected 'key = value'" },
	{ "unterminated-quote", 3, "command", "unterminated 'quote'" },
	{ "dup-profile", 5, "section", "duplicate section [profile] (first at line 1)" },
	{ "claim-no-id", 2, "id", "required in [claim]" },
	{ "claim-bad-era", 5, "predict.5.0", "unknown era '5.0'" },
	{ "missing-close-bracket", 2, "section", "no closing ']'" },
	{ "long-line", 3, "", "line longer than 198 characters" },
};

static void test_bad(void **state)
{
	const struct bad_case *bc = *state;
	struct profile *p = (struct profile *)0x1; /* must stay untouched */
	struct profile_error e;
	char path[256], buf[512];
	int r;

	snprintf(path, sizeof(path), FIX "bad/%s.ini", bc->file);
	r = profile_parse_file(path, &p, &e);
	profile_error_str(&e, buf, sizeof(buf));
	if (r != -EINVAL || e.line != bc->line || strcmp(e.field, bc->field) ||
	    !strstr(e.msg, bc->msg))
		print_error("%s: got r=%d \"%s\"\n", bc->file, r, buf);
	assert_int_equal(r, -EINVAL);
	assert_ptr_equal(p, (struct profile *)0x1);
	assert_string_equal(e.file, path);
	assert_int_equal(e.line, bc->line);
	assert_string_equal(e.field, bc->field);
	assert_non_null(strstr(e.msg, bc->msg));
}

static void test_error_str(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;
	char buf[512];

	assert_int_equal(profile_parse_file(FIX "bad/bad-size.ini", &p, &e), -EINVAL);
	assert_string_equal(profile_error_str(&e, buf, sizeof(buf)), FIX
			    "bad/bad-size.ini:7: size: '12XB' is not a size (use e.g. 100M, 4G)");
	assert_int_equal(profile_parse_file(FIX "bad/no-workers.ini", &p, &e), -EINVAL);
	assert_string_equal(profile_error_str(&e, buf, sizeof(buf)),
			    FIX "bad/no-workers.ini: no [worker NAME] section");
	assert_int_equal(profile_parse_file(FIX "bad/no-equals.ini", &p, &e), -EINVAL);
	assert_string_equal(profile_error_str(&e, buf, sizeof(buf)),
			    FIX "bad/no-equals.ini:3: expected 'key = value'");
	assert_null(p);
}

static void test_missing_file(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;

	assert_int_equal(profile_parse_file(FIX "no-such.ini", &p, &e), -ENOENT);
	assert_null(p);
	assert_string_equal(e.file, FIX "no-such.ini");
	assert_int_equal(e.line, 0);
}

/* Parse one-worker text; returns the error code, *ret on success. */
static int parse_worker(const char *body, struct profile **ret, struct profile_error *e)
{
	char text[512];

	snprintf(text, sizeof(text), "[profile]\n[worker w]\n%s\n", body);
	return profile_parse_string("inline.ini", text, ret, e);
}

/* init_hog (claim 14): whole MiB, and it makes the profile VM-only. */
static void test_init_hog(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;

	assert_int_equal(profile_parse_string("h.ini",
					      "[profile]\ninit_hog = 80M\n"
					      "trigger = global\n[worker w]\nsize = 1M\n",
					      &p, &e),
			 0);
	assert_true(p->has_init_hog);
	assert_int_equal(p->init_hog, 80 * 1024 * 1024);
	assert_true(p->needs_vm);
	profile_free(p);
	p = NULL;
	assert_int_equal(profile_parse_string("h.ini",
					      "[profile]\ninit_hog = 1500K\n"
					      "[worker w]\nsize = 1M\n",
					      &p, &e),
			 -EINVAL);
	assert_null(p);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.field, "init_hog");
}

static void test_command_split(void **state)
{
	static const struct {
		const char *cmd;
		const char *argv[6];
	} cases[] = {
		{ "/bin/true", { "/bin/true" } },
		{ "  a   b\tc  ", { "a", "b", "c" } },
		{ "a'b c'd", { "ab cd" } },
		{ "'' \"\"", { "", "" } },
		{ "'a\\b' \"a\\b\"", { "a\\b", "a\\b" } },
		{ "\"\\\"q\\\" \\$X \\\\\"", { "\"q\" $X \\" } },
		{ "a\\ b \\'c", { "a b", "'c" } },
		{ "sh -c 'x ; y' ; comment", { "sh", "-c", "x ; y" } },
		{ "echo \"a ; b\";c", { "echo", "a ; b;c" } },
		{ "p 'x=y:z'", { "p", "x=y:z" } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profile *p = NULL;
		struct profile_error e;
		char body[256], buf[512];
		char **argv;
		size_t n;
		int r;

		snprintf(body, sizeof(body), "command = %s", cases[i].cmd);
		r = parse_worker(body, &p, &e);
		if (r)
			print_error("%s: %s\n", cases[i].cmd,
				    profile_error_str(&e, buf, sizeof(buf)));
		assert_int_equal(r, 0);
		argv = p->workers[0].argv;
		assert_non_null(argv);
		for (n = 0; cases[i].argv[n]; n++) {
			assert_non_null(argv[n]);
			assert_string_equal(argv[n], cases[i].argv[n]);
		}
		assert_null(argv[n]);
		assert_null(p->workers[0].pattern);
		profile_free(p);
	}
}

static void test_command_split_errors(void **state)
{
	static const struct {
		const char *body;
		const char *msg;
	} cases[] = {
		{ "command = a 'b", "unterminated 'quote'" },
		{ "command = a \"b\\\"", "unterminated \"quote\"" },
		{ "command = a \\", "backslash at the end" },
		{ "command = ", "empty command" },
		{ "command = ; only a comment", "empty command" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profile *p = NULL;
		struct profile_error e;

		assert_int_equal(parse_worker(cases[i].body, &p, &e), -EINVAL);
		assert_null(p);
		assert_int_equal(e.line, 3);
		assert_string_equal(e.field, "command");
		assert_non_null(strstr(e.msg, cases[i].msg));
	}
}

static void test_count_bounds(void **state)
{
	static const struct {
		const char *body;
		int r;
	} cases[] = {
		{ "size = 1M\ncount = 1", 0 },	      { "size = 1M\ncount = 512", 0 }, /* "w.512" */
		{ "size = 1M\ncount = 0", -EINVAL },  { "size = 1M\ncount = 513", -EINVAL },
		{ "size = 1M\ncount = -1", -EINVAL }, { "size = 1M\ncount = 2x", -EINVAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profile *p = NULL;
		struct profile_error e;

		assert_int_equal(parse_worker(cases[i].body, &p, &e), cases[i].r);
		if (!cases[i].r)
			assert_non_null(p);
		else
			assert_string_equal(e.field, "count");
		profile_free(p);
	}
}

/* 15 characters exactly, with and without a suffix. */
static void test_name_bounds(void **state)
{
	static const struct {
		const char *text;
		int r;
	} cases[] = {
		{ "[profile]\n[worker abcdefghijklmno]\nsize=1M\n", 0 },
		{ "[profile]\n[worker abcdefghijklm]\nsize=1M\ncount=9\n", 0 },
		{ "[profile]\n[worker abcdefghijklmn]\nsize=1M\ncount=9\n", -EINVAL },
		{ "[profile]\n[worker abcdefghijkl]\nsize=1M\ncount=10\n", 0 },
		{ "[profile]\n[worker]\nsize=1M\n", -EINVAL },
		{ "[profile]\n[worker a b]\nsize=1M\n", -EINVAL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profile *p = NULL;
		struct profile_error e;

		assert_int_equal(profile_parse_string("n.ini", cases[i].text, &p, &e), cases[i].r);
		profile_free(p);
	}
}

static void test_negative_adj(void **state)
{
	static const struct {
		const char *body;
		bool neg;
	} cases[] = {
		{ "size = 1M\noom_score_adj = 1000", false },
		{ "size = 1M\noom_score_adj = -1", true },
		{ "size = 1M\noom_adj = 15", false },
		{ "size = 1M\noom_adj = -1", true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profile *p = NULL;
		struct profile_error e;

		assert_int_equal(parse_worker(cases[i].body, &p, &e), 0);
		assert_int_equal(p->needs_negative_adj, cases[i].neg);
		profile_free(p);
	}
}

/* Indented keys, comments, CRLF, BOM: what editors and people produce. */
static void test_layout(void **state)
{
	const char *text = "\xEF\xBB\xBF; BOM first\r\n"
			   "[profile]   ; a comment after a header\r\n"
			   "    memory_limit = 1G ; indented, not a continuation\r\n"
			   "\ttimeout: 1m\r\n"
			   "  # hash comment\r\n"
			   "[ worker  hog ]\r\n"
			   "  size = 10M;not a comment without a blank before\r\n";
	struct profile *p = NULL;
	struct profile_error e;

	assert_int_equal(profile_parse_string("l.ini", text, &p, &e), -EINVAL);
	assert_int_equal(e.line, 7);
	assert_string_equal(e.field, "size");
	assert_non_null(strstr(e.msg, "'10M;not a comment"));

	text = "\xEF\xBB\xBF[profile]\n"
	       "    memory_limit = 1G ; indented\n"
	       "\ttimeout: 1m\n"
	       "[ worker  hog ]\n"
	       "  size = 10M\n";
	assert_int_equal(profile_parse_string("l.ini", text, &p, &e), 0);
	assert_int_equal(p->memory_limit, GIB);
	assert_int_equal(p->timeout_ms, 60000);
	assert_string_equal(p->workers[0].name, "hog");
	assert_int_equal(p->workers[0].line, 4);
	profile_free(p);

	assert_int_equal(profile_parse_string("e.ini", "", &p, &e), -EINVAL);
	assert_int_equal(e.line, 0);
	assert_int_equal(profile_parse_string("c.ini", "[profile]\n[worker a]\nsize=\x01\n", &p,
					      &e),
			 -EINVAL);
	assert_int_equal(e.line, 3);
}

static void test_parse_size(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "4096", 0, 4096 },
		{ "100M", 0, 100 * MIB },
		{ "100m", 0, 100 * MIB },
		{ "1.5G", 0, 3 * GIB / 2 },
		{ "64k", 0, 64 * KIB },
		{ "2GiB", 0, 2 * GIB },
		{ "2gb", 0, 2 * GIB },
		{ "100B", 0, 100 },
		{ "1T", 0, 1024 * GIB },
		{ ".5M", 0, MIB / 2 },
		{ " 7M ", 0, 7 * MIB },
		/* exact above 2^53, where a double drops the last bit */
		{ "9007199254740993", 0, 9007199254740993ULL },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "16777216T", -ERANGE, 0 },
		{ "16777215.99T", 0, 0 }, /* checked for r only */
		{ "17179869184G", -ERANGE, 0 },
		{ "12XB", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ ".", -EINVAL, 0 },
		{ "-1M", -EINVAL, 0 },
		{ "+1M", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "1.5", -EINVAL, 0 }, /* a fraction of a byte */
		{ "4iB", -EINVAL, 0 },
		{ "10 M", -EINVAL, 0 },
		{ "1MM", -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;
		int r = parse_size(cases[i].s, &v);

		if (r != cases[i].r)
			print_error("parse_size(\"%s\") = %d\n", cases[i].s, r);
		assert_int_equal(r, cases[i].r);
		if (r < 0)
			assert_int_equal(v, 12345); /* untouched */
		else if (cases[i].v || !strcmp(cases[i].s, "0"))
			assert_int_equal(v, cases[i].v);
	}
	assert_int_equal(parse_size(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t ms;
	} cases[] = {
		{ "30s", 0, 30000 },
		{ "30", 0, 30000 },
		{ "500ms", 0, 500 },
		{ "2m", 0, 120000 },
		{ "1h", 0, 3600000 },
		{ "1.5s", 0, 1500 },
		{ "0", 0, 0 },
		{ "0x10s", -EINVAL, 0 },
		{ "1e3ms", -EINVAL, 0 },
		{ "-1s", -EINVAL, 0 },
		{ "10 seconds", -EINVAL, 0 },
		{ "2min", -EINVAL, 0 },
		{ "s", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "99999999999999h", -ERANGE, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t ms = 777;
		int r = parse_duration_ms(cases[i].s, &ms);

		if (r != cases[i].r)
			print_error("parse_duration_ms(\"%s\") = %d\n", cases[i].s, r);
		assert_int_equal(r, cases[i].r);
		assert_int_equal(ms, r < 0 ? 777 : cases[i].ms);
	}
}

/*
 * The pattern table drives the parser: every pattern a profile may select
 * is accepted, the internal ones are refused like an unknown name, and
 * each pattern-specific key is taken exactly by the patterns whose opts
 * name it, with the exact error elsewhere.
 */
static void test_pattern_table(void **state)
{
	static const struct {
		const char *key, *value;
		unsigned opt;
		const char *refusal;
	} keys[] = {
		{ "children", "2", PATTERN_OPT_CHILDREN,
		  "only for pattern = fork-tree or shared-mm" },
		{ "parent_size", "1M", PATTERN_OPT_PARENT_SIZE, "only for pattern = fork-tree" },
		{ "cycles", "2", PATTERN_OPT_CYCLES,
		  "only for pattern = page-touch, mmap, populate, thp, file, shmem, mlock or fork-tree" },
	};
	unsigned selectable = 0;

	for (unsigned i = 0; i < pattern_count; i++) {
		const struct pattern_info *pi = &pattern_table[i];
		struct profile *p = NULL;
		struct profile_error e;
		char body[256];
		int r;

		assert_ptr_equal(pattern_find(pi->name), pi);
		assert_non_null(pi->help);
		/* oomlab links the table without the workers' half */
		assert_null(pi->worker);
		snprintf(body, sizeof(body), "pattern = %s\nsize = 4M", pi->name);
		r = parse_worker(body, &p, &e);
		if (pi->flags & PATTERN_F_INTERNAL) {
			char want[128];

			assert_int_equal(r, -EINVAL);
			assert_int_equal(e.line, 3);
			assert_string_equal(e.field, "pattern");
			snprintf(want, sizeof(want), "unknown pattern '%s' (", pi->name);
			assert_non_null(strstr(e.msg, want));
			assert_null(strstr(e.msg + strlen(want), pi->name));
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(p->workers[0].pattern, pi->name);
		profile_free(p);
		selectable++;
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			snprintf(body, sizeof(body), "pattern = %s\nsize = 4M\n%s = %s", pi->name,
				 keys[k].key, keys[k].value);
			p = NULL;
			r = parse_worker(body, &p, &e);
			if (pi->opts & keys[k].opt) {
				assert_int_equal(r, 0);
				profile_free(p);
				continue;
			}
			assert_int_equal(r, -EINVAL);
			assert_null(p);
			assert_int_equal(e.line, 5);
			assert_string_equal(e.field, keys[k].key);
			assert_string_equal(e.msg, keys[k].refusal);
		}
	}
	assert_int_equal(selectable, 9);
	assert_null(pattern_find("no-such"));
	assert_null(pattern_find(NULL));
	assert_true(pattern_has_flag("shared-mm", PATTERN_F_SHARED_MM));
	assert_false(pattern_has_flag("fork-tree", PATTERN_F_SHARED_MM));
	assert_false(pattern_has_flag(NULL, PATTERN_F_SCOREBOARD));
	assert_true(pattern_takes(PATTERN_DEFAULT, PATTERN_OPT_CYCLES));
	assert_false(pattern_takes(NULL, PATTERN_OPT_CYCLES));
}

/* A command worker takes none of the pattern-specific keys. */
static void test_command_pattern_keys(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;

	assert_int_equal(parse_worker("command = /bin/true\ncycles = 2", &p, &e), -EINVAL);
	assert_int_equal(e.line, 4);
	assert_string_equal(e.field, "cycles");
	assert_int_equal(parse_worker("command = /bin/true\nchildren = 2", &p, &e), -EINVAL);
	assert_string_equal(e.msg, "only for pattern = fork-tree or shared-mm");
	assert_null(p);
}

static void test_names(void **state)
{
	assert_string_equal(trigger_name(TRIGGER_PRESSURE), "pressure");
	assert_string_equal(trigger_name(TRIGGER_LIMIT), "limit");
	assert_string_equal(trigger_name(TRIGGER_GLOBAL), "global");
	assert_string_equal(trigger_name(TRIGGER_SYSRQ), "sysrq");
	assert_string_equal(expect_name(EXPECT_ANY), "any");
	assert_string_equal(expect_name(EXPECT_KILLED), "killed");
	assert_string_equal(expect_name(EXPECT_KILLED_NTH), "killed-nth");
	assert_string_equal(expect_name(EXPECT_SURVIVES), "survives");
	profile_free(NULL);
}

/* Parse path and expect exactly "MSG" from profile_error_str(), p untouched. */
static void assert_parse_error(const char *path, const char *want)
{
	struct profile *p = (struct profile *)0x1;
	struct profile_error e;
	char buf[512];

	assert_int_equal(profile_parse_file(path, &p, &e), -EINVAL);
	assert_ptr_equal(p, (struct profile *)0x1);
	assert_string_equal(profile_error_str(&e, buf, sizeof(buf)), want);
}

/* ramp is bytes per second, paced by the worker in whole MiB/s. */
static void test_ramp_units(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;

	assert_parse_error(FIX "bad/ramp-no-unit.ini", FIX
			   "bad/ramp-no-unit.ini:6: ramp: '1' has no unit: write e.g. 1M "
			   "or 50M/s (bytes per second, in whole MiB/s; 0 = as fast as possible)");
	assert_parse_error(FIX "bad/ramp-not-mib.ini", FIX
			   "bad/ramp-not-mib.ini:6: ramp: '1536K/s' is not a whole number of "
			   "MiB per second (the worker paces in MiB/s: write e.g. 1M or 50M/s)");
	assert_int_equal(parse_worker("size = 1M\nramp = 2M/s", &p, &e), 0);
	assert_int_equal(p->workers[0].ramp_bps, 2 * MIB);
	profile_free(p);
	assert_int_equal(parse_worker("size = 1M\nramp = 1G", &p, &e), 0);
	assert_int_equal(p->workers[0].ramp_bps, GIB);
	profile_free(p);
}

/* Only regular files: a FIFO would block in open, /dev/zero never ends. */
static void test_not_regular(void **state)
{
	char dir[] = "/tmp/oomlab-unit-prof.XXXXXX", fifo[64], big[64];
	FILE *f;

	assert_parse_error(FIX "good", FIX "good: is a directory, not a profile file");
	assert_parse_error("/dev/zero", "/dev/zero: is a device, not a profile file");
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo.ini", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s: is a FIFO, not a profile file", fifo);
		assert_parse_error(fifo, want);
	}
	/* a regular file without newlines: refused at 4096 bytes, not read whole */
	snprintf(big, sizeof(big), "%s/one-line.ini", dir);
	f = fopen(big, "w");
	assert_non_null(f);
	for (int i = 0; i < 1 << 20; i++)
		fputc('a', f);
	assert_int_equal(fclose(f), 0);
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "%s:1: line longer than 4096 bytes (is this a profile?)", big);
		assert_parse_error(big, want);
	}
	unlink(fifo);
	unlink(big);
	rmdir(dir);
}

/* profile_validate(): what cannot be reclaimed must fit memory_limit. */
struct invalid_case {
	const char *file;
	const char *msg; /* the whole "FILE:LINE: field: msg" after FIX */
};

static const struct invalid_case invalid_cases[] = {
	{ "invalid/worker-over-limit.ini",
	  "invalid/worker-over-limit.ini:10: size: worker big holds 300.0M the kernel cannot "
	  "reclaim (anon, + 4.2M for its processes and the pressure process), more than "
	  "memory_limit = 256.0M: the memcg would OOM before the trigger" },
	{ "invalid/sum-over-limit.ini",
	  "invalid/sum-over-limit.ini:3: memory_limit: 100.0M is too small: before the trigger "
	  "the workers hold 108.3M the kernel cannot reclaim (anon+shmem 100.0M, mlocked 0B, "
	  "+ 8.3M for the processes): the memcg would OOM" },
	{ "invalid/worker-over-group.ini",
	  "invalid/worker-over-group.ini:11: size: worker app holds 80.0M the kernel cannot "
	  "reclaim (anon, + 3.3M for its processes and the pressure process), more than "
	  "group pod's memory_limit = 64.0M: the memcg would OOM before the trigger" },
	{ "invalid/group-sum-over-limit.ini",
	  "invalid/group-sum-over-limit.ini:5: memory_limit: group pod's memory_limit = 96.0M is "
	  "too small: before the trigger the workers hold 104.4M the kernel cannot reclaim "
	  "(anon+shmem 100.0M, mlocked 0B, + 4.4M for the processes): the memcg would OOM" },
	{ "invalid/limit-1k.ini",
	  "invalid/limit-1k.ini:4: size: worker tiny holds 4.0K the kernel cannot reclaim "
	  "(anon, + 3.0M for its processes and the pressure process), more than "
	  "memory_limit = 1.0K: the memcg would OOM before the trigger" },
	{ "invalid/mlock-over-limit.ini",
	  "invalid/mlock-over-limit.ini:7: size: worker locked holds 80.0M the kernel cannot "
	  "reclaim (mlocked, + 3.3M for its processes and the pressure process), more than "
	  "memory_limit = 64.0M: the memcg would OOM before the trigger" },
	{ "invalid/mlock-sum-over-limit.ini",
	  "invalid/mlock-sum-over-limit.ini:3: memory_limit: 64.0M is too small: before the "
	  "trigger the workers hold 76.1M the kernel cannot reclaim (anon+shmem 0B beyond the "
	  "1024.0M of swap, mlocked 70.0M, + 6.1M for the processes): the memcg would OOM" },
};

static void test_validate(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(invalid_cases); i++) {
		const struct invalid_case *ic = &invalid_cases[i];
		struct profile *p;
		struct profile_error e;
		char path[256], want[512], buf[512];

		snprintf(path, sizeof(path), FIX "%s", ic->file);
		snprintf(want, sizeof(want), FIX "%s", ic->msg);
		p = parse_good(path);
		assert_int_equal(profile_validate(p, &e), -EINVAL);
		profile_error_str(&e, buf, sizeof(buf));
		if (strcmp(buf, want))
			print_error("%s: got \"%s\"\n", ic->file, buf);
		assert_string_equal(buf, want);
		profile_free(p);
	}
}

/* Page cache may exceed the limit, anon by the swap; no limit: not judged. */
static void test_validate_ok(void **state)
{
	static const char *const ok[] = {
		"good/cache-over-limit.ini",
		"good/swap-over-limit.ini",
		"good/minimal.ini",
		"../../../profiles/mixed-patterns.ini",
		"../../../profiles/vm/global-ranking.ini",
	};
	struct profile_error e;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		char path[256];
		struct profile *p;

		snprintf(path, sizeof(path), FIX "%s", ok[i]);
		p = parse_good(path);
		assert_int_equal(profile_validate(p, &e), 0);
		profile_free(p);
	}
	/* the parser takes what only the run can judge; validation refuses it */
	{
		struct profile *p = parse_good(FIX "good/limit-below-sum.ini");

		assert_int_equal(profile_validate(p, &e), -EINVAL);
		assert_int_equal(e.line, 3); /* memory_limit = 100M */
		assert_string_equal(e.field, "memory_limit");
		profile_free(p);
	}
}

#define BAD(i) cmocka_unit_test_prestate(test_bad, (void *)&bad_cases[i])

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_limit_below_sum),
		cmocka_unit_test(test_count_max),
		BAD(0),
		BAD(1),
		BAD(2),
		BAD(3),
		BAD(4),
		BAD(5),
		BAD(6),
		BAD(7),
		BAD(8),
		BAD(9),
		BAD(10),
		BAD(11),
		BAD(12),
		BAD(13),
		BAD(14),
		BAD(15),
		BAD(16),
		BAD(17),
		BAD(18),
		BAD(19),
		BAD(20),
		BAD(21),
		BAD(22),
		BAD(23),
		BAD(24),
		BAD(25),
		BAD(26),
		BAD(27),
		BAD(28),
		BAD(29),
		BAD(30),
		BAD(31),
		BAD(32),
		BAD(33),
		BAD(34),
		BAD(35),
		BAD(36),
		BAD(37),
		BAD(38),
		BAD(39),
		BAD(40),
		BAD(41),
		cmocka_unit_test(test_error_str),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_command_split),
		cmocka_unit_test(test_command_split_errors),
		cmocka_unit_test(test_count_bounds),
		cmocka_unit_test(test_name_bounds),
		cmocka_unit_test(test_negative_adj),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_init_hog),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pattern_table),
		cmocka_unit_test(test_command_pattern_keys),
		cmocka_unit_test(test_ramp_units),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_ok),
	};

	_Static_assert(ARRAY_SIZE(bad_cases) == 42, "one BAD() per bad case");
	return cmocka_run_group_tests(tests, check_cwd, NULL);
}
