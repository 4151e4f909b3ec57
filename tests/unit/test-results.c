// SPDX-License-Identifier: MIT
/*
 * Results: JSON fields and types (read back with jansson from the file
 * written), atomic writes and their failure paths, the table, TAP text,
 * JUnit well-formedness.
 *
 * The kill records are the real lines of a memcg OOM on 6.18
 * (tests/fixtures/kmsg/kmsg-6.18-memcg-raw.txt), split by a small parser
 * here so this test does not depend on the kmsg module.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <jansson.h>

#include "results.h"
#include "util.h"

#define FIXTURE "tests/fixtures/kmsg/kmsg-6.18-memcg-raw.txt"
#define OOM_MEMCG "/process_api/ca15a485d53abba314124b5a3267cbb0/exp1"

/* ---- fixture: kill records from the 6.18 capture ------------------------- */

/* The record with sequence number seq, message only (after ';'). */
static void fixture_record(uint64_t seq, char *buf, size_t len)
{
	const char *top = getenv("OOMLAB_TOP");
	char path[512], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s%s", top ? top : "", top ? "/" : "", FIXTURE);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		uint64_t s;
		char *semi = strchr(line, ';');

		if (!semi || sscanf(line, "%*d,%" SCNu64 ",", &s) != 1 || s != seq)
			continue;
		semi[strcspn(semi, "\n")] = 0;
		snprintf(buf, len, "%s", semi + 1);
		fclose(f);
		return;
	}
	fclose(f);
	fail_msg("record %" PRIu64 " not in %s", seq, path);
}

static void add_kill(struct run *r, uint64_t cons_seq, int instance)
{
	struct kill_record *k = &r->kills[r->nkills++];
	struct oom_event *e = &k->killed;
	char hdr[4096];
	const char *p;
	int n;

	k->instance = instance;
	fixture_record(cons_seq, k->constraint_line, sizeof(k->constraint_line));
	fixture_record(cons_seq + 1, k->line, sizeof(k->line));
	k->has_constraint = true;
	k->seq = cons_seq + 1;
	/* usec from the header of the Killed record */
	{
		const char *top = getenv("OOMLAB_TOP");
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s%s%s", top ? top : "", top ? "/" : "", FIXTURE);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(hdr, sizeof(hdr), f)) {
			uint64_t s, us;

			if (sscanf(hdr, "%*d,%" SCNu64 ",%" SCNu64, &s, &us) == 2 && s == k->seq) {
				k->usec = us;
				break;
			}
		}
		fclose(f);
	}
	assert_int_not_equal(k->usec, 0);

	e->type = OOM_EV_KILLED;
	e->memcg = true;
	n = sscanf(k->line,
		   "Memory cgroup out of memory: Killed process %d (%63[^)]) "
		   "total-vm:%ldkB, anon-rss:%ldkB, file-rss:%ldkB, shmem-rss:%ldkB, "
		   "UID:%ld pgtables:%ldkB oom_score_adj:%ld",
		   &e->pid, e->comm, &e->total_vm_kb, &e->anon_rss_kb, &e->file_rss_kb,
		   &e->shmem_rss_kb, &e->uid, &e->pgtables_kb, &e->oom_score_adj);
	assert_int_equal(n, 9);
	e->has_uid = e->has_pgtables = e->has_adj = true;

	k->constraint.type = OOM_EV_CONSTRAINT;
	k->constraint.memcg = true;
	assert_non_null(strstr(k->constraint_line, "constraint=CONSTRAINT_MEMCG,"));
	k->constraint.constraint = OOM_CONSTRAINT_MEMCG;
	p = strstr(k->constraint_line, "oom_memcg=");
	assert_non_null(p);
	sscanf(p, "oom_memcg=%255[^,]", k->constraint.oom_memcg);
	p = strstr(k->constraint_line, "task_memcg=");
	assert_non_null(p);
	sscanf(p, "task_memcg=%255[^,]", k->constraint.task_memcg);
	k->constraint.pid = e->pid;
}

/* ---- a run built by hand ------------------------------------------------- */

struct fx {
	struct profile prof;
	struct run *run;
	char dir[64];
};

static void set_inst(struct run *r, unsigned i, const char *name, const struct worker_spec *w,
		     pid_t pid, uint64_t rss_kb, unsigned rank, double points)
{
	struct instance *in = &r->inst[i];

	snprintf(in->name, sizeof(in->name), "%s", name);
	in->spec = w;
	in->pid = pid;
	in->pidfd = -1;
	in->rss_bytes = rss_kb * KIB;
	in->pgtables_bytes = 84 * KIB;
	in->total_vm_bytes = (rss_kb + 2000) * KIB;
	in->oom_score_adj = w->oom_score_adj;
	in->task.uid = 0;
	in->predicted.points = points;
	in->predicted.why = "rss + adj*totalpages/1000";
	in->predicted_rank = rank;
	in->kmsg_kill_idx = -1;
	if (i >= r->ninst)
		r->ninst = i + 1;
}

/*
 * The run of the capture: a 64 MiB memcg; "hog" (adj 500, 20 MiB) dies
 * first, "hog.2" (adj 0, 40 MiB) second, then the kernel took timeout(1)
 * and the pressure task; "keeper" (8 MiB) survives.
 */
static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct profile *p;
	struct worker_spec *w;
	struct run *r;

	assert_non_null(fx);
	fx->run = r = calloc(1, sizeof(*r));
	assert_non_null(r);
	p = &fx->prof;
	p->path = strdup("profiles/claims/02-adj-1000.ini");
	p->description = strdup("adj 1000 picks a small task");
	p->claim = strdup("oom_score_adj 1000 makes a small process the first victim");
	p->claim_id = 2;
	p->has_memory_limit = true;
	p->memory_limit = 64 * MIB;
	p->trigger = TRIGGER_LIMIT;
	p->timeout_ms = 30000;
	p->nworkers = 3;
	w = &p->workers[0];
	snprintf(w->name, sizeof(w->name), "hog");
	w->pattern = strdup("page-touch");
	w->size = 20 * MIB;
	w->oom_score_adj = 500;
	w->caps = CAPS_LIST;
	w->ncaps = 2;
	w->cap_list[0] = CAP_SYS_ADMIN;
	w->cap_list[1] = CAP_SYS_RAWIO;
	w->expect = EXPECT_KILLED_NTH;
	w->expect_pos = 1;
	w->count = 1;
	w = &p->workers[1];
	snprintf(w->name, sizeof(w->name), "hog.2");
	w->argv = calloc(4, sizeof(char *));
	w->argv[0] = strdup("stress-ng");
	w->argv[1] = strdup("--vm");
	w->argv[2] = strdup("1");
	w->size = 40 * MIB;
	w->nice = 19;
	w->caps = CAPS_NONE;
	w->expect = EXPECT_KILLED;
	w->count = 1;
	w = &p->workers[2];
	snprintf(w->name, sizeof(w->name), "keeper");
	w->pattern = strdup("page-touch");
	w->size = 8 * MIB;
	w->has_user = true;
	w->uid = 65534;
	w->expect = EXPECT_SURVIVES;
	w->count = 1;

	r->profile = p;
	snprintf(r->kernel, sizeof(r->kernel), "6.18.44-fc-v595");
	r->era = OOM_ERA_4_17;
	r->cg_version = CG_V1;
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", OOM_MEMCG);
	r->totalpages = 64 * MIB / 4096;
	r->trigger_used = "pressure";
	r->ramp_ms = 212.5;
	r->wall_ms = 1534.25;
	set_inst(r, 0, "hog", &p->workers[0], 4414, 21724, 1, 13644);
	set_inst(r, 1, "hog.2", &p->workers[1], 4413, 42264, 2, 10597);
	set_inst(r, 2, "keeper", &p->workers[2], 4420, 8192, 3, 2069);
	add_kill(r, 442, 0);
	add_kill(r, 532, 1);
	add_kill(r, 626, -1);
	add_kill(r, 719, -1);
	for (unsigned i = 0; i < 2; i++) {
		struct instance *in = &r->inst[i];

		in->killed = in->died = true;
		in->exit_code = CLD_KILLED;
		in->exit_status = SIGKILL;
		in->kill_order = i + 1;
		in->kmsg_kill_idx = (int)i;
		in->kill_ms = i ? 50.25 : 41.3;
	}
	r->counters_before =
		(struct cg_counters){ .version = CG_V1, .usage = 70 * MIB, .limit = 64 * MIB };
	r->counters_after = (struct cg_counters){ .version = CG_V1,
						  .usage = 9 * MIB,
						  .limit = 64 * MIB,
						  .oom_kill = 4,
						  .failcnt = 1234 };
	r->outcome = OUTCOME_PASS;
	run_note(r, "kernel also killed 2 tasks that are not workers (timeout, press)");
	run_note(r, "/proc oom_score ranks hog.2 above hog; inside a memcg the kernel "
		    "uses the memcg limit as totalpages, so adj 500 weighs 8192 pages");

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/oomlab-test-results-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d))) {
		char sub[1024];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		rm_rf(sub);
	}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct profile *p = &fx->prof;

	rm_rf(fx->dir);
	run_free_notes(fx->run);
	free(fx->run);
	free(p->path);
	free(p->description);
	free(p->claim);
	free(p->workers[0].pattern);
	free(p->workers[2].pattern);
	for (char **a = p->workers[1].argv; *a; a++)
		free(*a);
	free(p->workers[1].argv);
	free(fx);
	return 0;
}

/* Entries of dir (not . and ..), and the name of the last one seen. */
static unsigned count_entries(const char *dir, char *last, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (last)
			snprintf(last, len, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

/* noinline: gcc 12 takes the buffer for a dangling local once inlined */
static __attribute__((noinline)) char *slurp(const char *path)
{
	char *s = NULL;

	assert_int_equal(read_file_str(path, &s), 0);
	return s;
}

static __attribute__((noinline)) char *table_of(const struct run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	results_print_table(r, f);
	fclose(f);
	return buf;
}

/* ---- JSON ---------------------------------------------------------------- */

#define GET(o, k, type)                                    \
	({                                                 \
		json_t *_v = json_object_get((o), (k));    \
		if (!_v)                                   \
			fail_msg("missing key %s", (k));   \
		if (!json_is_##type(_v))                   \
			fail_msg("%s is not " #type, (k)); \
		_v;                                        \
	})

static const char *gets_(json_t *o, const char *k)
{
	return json_string_value(GET(o, k, string));
}

static json_int_t geti(json_t *o, const char *k)
{
	return json_integer_value(GET(o, k, integer));
}

static void test_json_fields(void **state)
{
	struct fx *fx = *state;
	char path[256], *written = NULL;
	json_error_t err;
	json_t *doc, *o, *a, *w, *k;

	snprintf(path, sizeof(path), "%s/run.json", fx->dir);
	assert_int_equal(results_write_json(fx->run, NULL, path, &written), 0);
	assert_string_equal(written, path);
	free(written);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!doc)
		fail_msg("%s:%d: %s", path, err.line, err.text);

	assert_string_equal(gets_(doc, "oomlab_version"), "0.1");
	assert_string_equal(gets_(doc, "profile"), "profiles/claims/02-adj-1000.ini");
	assert_string_equal(gets_(doc, "description"), "adj 1000 picks a small task");
	o = GET(doc, "claim", object);
	assert_int_equal(geti(o, "id"), 2);
	assert_non_null(strstr(gets_(o, "text"), "first victim"));
	assert_string_equal(gets_(doc, "kernel"), "6.18.44-fc-v595");
	o = GET(doc, "era", object);
	assert_string_equal(gets_(o, "model"), oom_era_name(OOM_ERA_4_17));
	assert_true(json_is_false(GET(o, "forced", boolean)));
	assert_int_equal(geti(doc, "cgroup_version"), 1);
	assert_string_equal(gets_(doc, "cgroup"), OOM_MEMCG);
	assert_int_equal(geti(doc, "memory_limit_bytes"), 64 * MIB);
	assert_int_equal(geti(doc, "totalpages"), 16384);
	assert_string_equal(gets_(doc, "trigger"), "limit");
	assert_string_equal(gets_(doc, "trigger_used"), "pressure");
	assert_int_equal(geti(doc, "timeout_ms"), 30000);
	assert_string_equal(gets_(doc, "verdict"), "pass");
	assert_int_equal(geti(doc, "exit_code"), 0);
	GET(doc, "reason", null);
	a = GET(doc, "notes", array);
	assert_int_equal(json_array_size(a), 2);
	assert_non_null(strstr(json_string_value(json_array_get(a, 1)), "8192 pages"));
	assert_true(json_real_value(GET(doc, "ramp_ms", real)) == 212.5);
	assert_true(json_real_value(GET(doc, "wall_ms", real)) == 1534.25);

	a = GET(doc, "workers", array);
	assert_int_equal(json_array_size(a), 3);
	w = json_array_get(a, 0);
	assert_string_equal(gets_(w, "name"), "hog");
	assert_int_equal(geti(w, "pid"), 4414);
	assert_string_equal(gets_(w, "pattern"), "page-touch");
	GET(w, "command", null);
	assert_int_equal(geti(w, "oom_score_adj"), 500);
	assert_int_equal(geti(w, "nice"), 0);
	assert_int_equal(geti(w, "uid"), 0);
	o = GET(w, "caps", array);
	assert_int_equal(json_array_size(o), 2);
	assert_string_equal(json_string_value(json_array_get(o, 0)), "cap_sys_admin");
	assert_string_equal(json_string_value(json_array_get(o, 1)), "cap_sys_rawio");
	assert_int_equal(geti(w, "size_bytes"), 20 * MIB);
	assert_int_equal(geti(w, "rss_bytes_at_trigger"), 21724 * KIB);
	assert_int_equal(geti(w, "swap_bytes_at_trigger"), 0);
	assert_int_equal(geti(w, "pgtables_bytes_at_trigger"), 84 * KIB);
	assert_int_equal(geti(w, "proc_oom_score"), 0);
	assert_true(json_real_value(GET(w, "predicted_points", real)) == 13644);
	assert_int_equal(geti(w, "predicted_rank"), 1);
	assert_string_equal(gets_(w, "expect"), "killed 1");
	assert_true(json_is_true(GET(w, "killed", boolean)));
	assert_int_equal(geti(w, "kill_order"), 1);
	assert_true(json_real_value(GET(w, "kill_ms", real)) == 41.3);
	assert_string_equal(gets_(w, "exit"), "killed by SIGKILL");

	w = json_array_get(a, 1);
	GET(w, "pattern", null);
	o = GET(w, "command", array);
	assert_int_equal(json_array_size(o), 3);
	assert_string_equal(json_string_value(json_array_get(o, 0)), "stress-ng");
	assert_int_equal(geti(w, "nice"), 19);
	assert_string_equal(gets_(w, "caps"), "none");
	assert_string_equal(gets_(w, "expect"), "killed");
	assert_int_equal(geti(w, "kill_order"), 2);

	w = json_array_get(a, 2);
	assert_string_equal(gets_(w, "name"), "keeper");
	assert_int_equal(geti(w, "uid"), 65534);
	assert_string_equal(gets_(w, "caps"), "inherit");
	assert_string_equal(gets_(w, "expect"), "survives");
	assert_true(json_is_false(GET(w, "killed", boolean)));
	GET(w, "kill_order", null);
	GET(w, "kill_ms", null);
	assert_string_equal(gets_(w, "exit"), "alive");

	a = GET(doc, "kills", array);
	assert_int_equal(json_array_size(a), 4);
	k = json_array_get(a, 0);
	assert_int_equal(geti(k, "order"), 1);
	assert_int_equal(geti(k, "pid"), 4414);
	assert_string_equal(gets_(k, "name"), "hog");
	assert_string_equal(gets_(k, "instance"), "hog");
	assert_int_equal(geti(k, "seq"), 443);
	assert_int_equal(geti(k, "usec"), 162569381);
	assert_string_equal(gets_(k, "constraint"), "CONSTRAINT_MEMCG");
	assert_string_equal(gets_(k, "oom_memcg"), OOM_MEMCG);
	assert_string_equal(gets_(k, "line"),
			    "Memory cgroup out of memory: Killed process 4414 (hog) "
			    "total-vm:22940kB, anon-rss:20608kB, file-rss:1116kB, "
			    "shmem-rss:0kB, UID:0 pgtables:84kB oom_score_adj:500");
	assert_non_null(strstr(gets_(k, "constraint_line"), "task=hog,pid=4414,uid=0"));
	assert_int_equal(geti(k, "anon_rss_kb"), 20608);
	assert_int_equal(geti(k, "file_rss_kb"), 1116);
	assert_int_equal(geti(k, "shmem_rss_kb"), 0);
	assert_int_equal(geti(k, "oom_score_adj"), 500);
	k = json_array_get(a, 1);
	assert_string_equal(gets_(k, "instance"), "hog.2");
	assert_int_equal(geti(k, "oom_score_adj"), 0);
	k = json_array_get(a, 3);
	assert_string_equal(gets_(k, "name"), "press");
	GET(k, "instance", null);
	assert_int_equal(geti(k, "seq"), 720);

	o = GET(doc, "counters", object);
	w = GET(o, "before", object);
	assert_int_equal(geti(w, "oom_kill"), 0);
	assert_int_equal(geti(w, "usage_bytes"), 70 * MIB);
	w = GET(o, "after", object);
	assert_int_equal(geti(w, "oom_kill"), 4);
	assert_int_equal(geti(w, "failcnt"), 1234);
	assert_int_equal(geti(w, "limit_bytes"), 64 * MIB);
	assert_int_equal(geti(doc, "kmsg_lost"), 0);
	assert_true(json_is_false(GET(doc, "panicked", boolean)));
	assert_true(json_is_false(GET(doc, "alloc_failed", boolean)));
	json_decref(doc);
}

/* A run that broke before the profile was read still gives a document. */
static void test_json_broken_no_profile(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	json_t *doc, *c;

	assert_non_null(r);
	r->outcome = OUTCOME_BROK;
	snprintf(r->reason, sizeof(r->reason), "cannot read profile: No such file");
	r->counters_after.limit = UINT64_MAX; /* v2 "max" */
	/* comm is bytes: an invalid UTF-8 note must not lose the document */
	run_note(r, "comm \xff\xfe odd");
	doc = results_json(r);
	assert_non_null(doc);
	GET(doc, "profile", null);
	GET(doc, "claim", null);
	GET(doc, "kernel", null);
	GET(doc, "cgroup_version", null);
	GET(doc, "memory_limit_bytes", null);
	assert_string_equal(gets_(doc, "verdict"), "broken");
	assert_int_equal(geti(doc, "exit_code"), 2);
	assert_string_equal(gets_(doc, "reason"), "cannot read profile: No such file");
	assert_int_equal(json_array_size(GET(doc, "workers", array)), 0);
	assert_int_equal(json_array_size(GET(doc, "kills", array)), 0);
	assert_string_equal(json_string_value(json_array_get(GET(doc, "notes", array), 0)),
			    "comm ?? odd");
	c = GET(doc, "counters", object);
	c = GET(c, "after", object);
	GET(c, "limit_bytes", null);
	json_decref(doc);
	run_free_notes(r);
	free(r);
}

/* How a worker ended when the kernel log has no kill for it. */
static void test_exit_strings(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	static const struct {
		int code, status;
		const char *json, *table;
	} cases[] = {
		{ CLD_EXITED, 3, "exited 3", "exited 3" },
		{ CLD_DUMPED, SIGSEGV, "dumped core on SIGSEGV", "SIGSEGV" },
		{ CLD_KILLED, SIGTERM, "killed by SIGTERM", "SIGTERM" },
	};
	json_t *doc, *a;
	char *t;

	assert_non_null(r);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct instance *in = &r->inst[i];

		snprintf(in->name, sizeof(in->name), "w%u", i);
		in->pid = 100 + (pid_t)i;
		in->died = true;
		in->exit_code = cases[i].code;
		in->exit_status = cases[i].status;
	}
	r->ninst = ARRAY_SIZE(cases);
	doc = results_json(r);
	assert_non_null(doc);
	a = GET(doc, "workers", array);
	t = table_of(r);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *w = json_array_get(a, i);
		char row[128];

		assert_string_equal(gets_(w, "exit"), cases[i].json);
		assert_true(json_is_false(GET(w, "killed", boolean)));
		GET(w, "kill_order", null);
		GET(w, "pattern", null);
		snprintf(row, sizeof(row), "%-10s %-10s %8s\n", "any", cases[i].table, "-");
		if (!strstr(t, row))
			fail_msg("no row ending \"%s\" in:\n%s", row, t);
	}
	free(t);
	json_decref(doc);
	free(r);
}

/* ---- atomic writes ------------------------------------------------------- */

static void test_write_default_path(void **state)
{
	struct fx *fx = *state;
	char dir[256], name[256], *path = NULL, *text;
	unsigned y, mo, d, h, mi, s;
	int pid, n = 0;

	/* missing parents are created */
	snprintf(dir, sizeof(dir), "%s/a/results", fx->dir);
	snprintf(fx->run->kernel, sizeof(fx->run->kernel), "6.1.0-18/cloud amd64");
	assert_int_equal(results_write_json(fx->run, dir, NULL, &path), 0);
	assert_non_null(path);
	assert_int_equal(count_entries(dir, name, sizeof(name)), 1);
	assert_true(strncmp(path, dir, strlen(dir)) == 0);
	assert_string_equal(path + strlen(dir) + 1, name);
	/* the kernel's '/' and ' ' cannot reach the file name */
	assert_int_equal(sscanf(name,
				"02-adj-1000-6.1.0-18_cloud_amd64-%4u%2u%2u-%2u%2u%2u-%d.json%n",
				&y, &mo, &d, &h, &mi, &s, &pid, &n),
			 7);
	assert_int_equal(n, (int)strlen(name));
	assert_int_equal(pid, getpid());
	assert_true(y >= 2024 && mo >= 1 && mo <= 12);
	text = slurp(path);
	assert_true(strlen(text) > 100);
	assert_string_equal(text + strlen(text) - 2, "}\n");
	assert_non_null(strstr(text, "\"6.1.0-18/cloud amd64\""));
	free(text);
	free(path);
}

static void test_write_replaces_whole_file(void **state)
{
	struct fx *fx = *state;
	char path[256], *text;
	json_error_t err;
	json_t *doc;
	struct stat st;

	snprintf(path, sizeof(path), "%s/r.json", fx->dir);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		for (int i = 0; i < 20000; i++)
			fputs("old junk ", f);
		fclose(f);
	}
	assert_int_equal(results_write_json(fx->run, NULL, path, NULL), 0);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 1);
	text = slurp(path);
	assert_null(strstr(text, "old junk"));
	free(text);
	doc = json_load_file(path, 0, &err);
	assert_non_null(doc);
	json_decref(doc);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void test_write_fail_notdir(void **state)
{
	struct fx *fx = *state;
	char file[256], dir[300];
	char *sentinel = (char *)"untouched", *path = sentinel;

	snprintf(file, sizeof(file), "%s/plain", fx->dir);
	fclose(fopen(file, "w"));
	snprintf(dir, sizeof(dir), "%s/sub", file);
	assert_int_equal(results_write_json(fx->run, dir, NULL, &path), -ENOTDIR);
	assert_ptr_equal(path, sentinel);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 1);
}

/*
 * The temp file is made and filled, then rename() onto a directory fails
 * (EISDIR): the temp file must be gone, not left as a half result.
 */
static void test_write_fail_rename_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	char target[256], name[256];
	char *sentinel = (char *)"untouched", *path = sentinel;
	int r;

	snprintf(target, sizeof(target), "%s/taken.json", fx->dir);
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 1);
	r = results_write_json(fx->run, NULL, target, &path);
	assert_true(r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST);
	assert_ptr_equal(path, sentinel);
	assert_int_equal(count_entries(fx->dir, name, sizeof(name)), 1);
	assert_string_equal(name, "taken.json");
}

/* ---- table --------------------------------------------------------------- */

static void test_table(void **state)
{
	struct fx *fx = *state;
	char *t = table_of(fx->run), *hdr, *row;
	size_t col_kill;

	for (char *l = t; *l;) {
		size_t n = strcspn(l, "\n");

		if (n > 100)
			fail_msg("line over 100 columns: %.*s", (int)n, l);
		l += n + (l[n] ? 1 : 0);
	}
	assert_non_null(strstr(t, "profile profiles/claims/02-adj-1000.ini  kernel "
				  "6.18.44-fc-v595  model >=4.17\n"));
	assert_non_null(strstr(t, "cgroup v1 " OOM_MEMCG "  limit 64.0M\n"));
	assert_non_null(strstr(t, "trigger limit (used pressure)  totalpages 16384"));
	hdr = strstr(t, "worker ");
	assert_non_null(hdr);
	col_kill = (size_t)(strstr(hdr, "kill_ms") - hdr) + strlen("kill_ms");
	/* numbers are right-aligned under their header's last column */
	row = strstr(t, "\nhog   ");
	assert_non_null(row);
	row++;
	assert_memory_equal(row + col_kill - 4, "41.3", 4);
	assert_non_null(strstr(row, "13644     1  killed 1   killed 1"));
	row = strstr(t, "\nkeeper ");
	assert_non_null(row);
	assert_non_null(strstr(row, "2069     3  survives   survived          -\n"));
	assert_non_null(strstr(t, "also killed: timeout (pid 4417, kill 3), "
				  "press (pid 4418, kill 4)\n"));
	/* (13644 - 10597) / 16384 pages */
	assert_non_null(strstr(t, "margin: victim hog vs runner-up hog.2: 18.6% of the limit\n"));
	assert_non_null(strstr(t, "  - kernel also killed 2 tasks"));
	/* a long note wraps and keeps its indent */
	assert_non_null(strstr(t, "\n    "));
	assert_non_null(strstr(t, "verdict: PASS (exit 0)\n"));
	free(t);

	fx->run->outcome = OUTCOME_FAIL;
	snprintf(fx->run->reason, sizeof(fx->run->reason), "hog.2 died first, expected hog");
	t = table_of(fx->run);
	assert_non_null(strstr(t, "verdict: FAIL (exit 1): hog.2 died first, expected hog\n"));
	free(t);
}

/* ---- TAP ----------------------------------------------------------------- */

static void test_tap(void **state)
{
	struct fx *fx = *state;
	struct run *runs[4], *r;
	struct profile p2 = { .path = (char *)"profiles/claims/04-nice.ini" };
	struct profile p3 = { .path = (char *)"profiles/claims/11-panic#vm.ini" };
	struct profile p4 = { .path = (char *)"profiles/broken.ini" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	runs[0] = fx->run;
	for (int i = 1; i < 4; i++) {
		runs[i] = calloc(1, sizeof(*runs[i]));
		assert_non_null(runs[i]);
		snprintf(runs[i]->kernel, sizeof(runs[i]->kernel), "6.18.44");
	}
	r = runs[1];
	r->profile = &p2;
	r->outcome = OUTCOME_FAIL;
	snprintf(r->reason, sizeof(r->reason), "nice 19 \"doubled\" nothing: a\\b");
	run_note(r, "first note");
	run_note(r, "second\nline");
	r = runs[2];
	r->profile = &p3;
	r->outcome = OUTCOME_SKIP;
	snprintf(r->reason, sizeof(r->reason), "needs vm: no kernel image");
	r = runs[3];
	r->profile = &p4;
	r->outcome = OUTCOME_BROK;
	snprintf(r->reason, sizeof(r->reason), "cannot create memcg");

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	results_print_tap(runs, 4, f);
	fclose(f);
	assert_string_equal(
		buf, "TAP version 13\n"
		     "1..4\n"
		     "ok 1 - profiles/claims/02-adj-1000.ini\n"
		     "not ok 2 - profiles/claims/04-nice.ini\n"
		     "  ---\n"
		     "  verdict: fail\n"
		     "  reason: \"nice 19 \\\"doubled\\\" nothing: a\\\\b\"\n"
		     "  kernel: \"6.18.44\"\n"
		     "  notes:\n"
		     "    - \"first note\"\n"
		     "    - \"second\\nline\"\n"
		     "  ...\n"
		     "ok 3 - profiles/claims/11-panic\\#vm.ini # SKIP needs vm: no kernel image\n"
		     "not ok 4 - profiles/broken.ini\n"
		     "  ---\n"
		     "  verdict: broken\n"
		     "  reason: \"cannot create memcg\"\n"
		     "  kernel: \"6.18.44\"\n"
		     "  ...\n");
	free(buf);
	for (int i = 1; i < 4; i++) {
		run_free_notes(runs[i]);
		free(runs[i]);
	}
}

/* ---- JUnit --------------------------------------------------------------- */

/*
 * A small XML 1.0 well-formedness check, enough for what the writer emits:
 * balanced elements, quoted attributes without '<', and every '&' a
 * predefined entity or a character reference.
 */
static bool xml_entity_ok(const char *s, size_t *len)
{
	static const char *ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t n;

	for (unsigned i = 0; i < ARRAY_SIZE(ents); i++)
		if (!strncmp(s, ents[i], strlen(ents[i]))) {
			*len = strlen(ents[i]);
			return true;
		}
	if (s[1] == '#' && (n = strspn(s + 2, "0123456789")) > 0 && s[2 + n] == ';') {
		*len = n + 3;
		return true;
	}
	return false;
}

static void xml_check(const char *s)
{
	char stack[16][32];
	int depth = 0, roots = 0;
	size_t n;

	assert_true(!strncmp(s, "<?xml ", 6));
	s = strstr(s, "?>");
	assert_non_null(s);
	s += 2;
	while (*s) {
		if (*s == '&') {
			if (!xml_entity_ok(s, &n))
				fail_msg("bare '&' at: %.20s", s);
			s += n;
		} else if (*s == '>') {
			fail_msg("stray '>' at: %.20s", s);
		} else if (*s == '<' && s[1] == '/') {
			n = strcspn(s + 2, ">");
			assert_true(depth > 0);
			depth--;
			if (strlen(stack[depth]) != n || strncmp(s + 2, stack[depth], n))
				fail_msg("</%.*s> closes <%s>", (int)n, s + 2, stack[depth]);
			s += n + 3;
		} else if (*s == '<') {
			n = strcspn(s + 1, " />");
			assert_true(n > 0 && n < 32 && depth < 16);
			if (depth == 0)
				roots++;
			snprintf(stack[depth], sizeof(stack[depth]), "%.*s", (int)n, s + 1);
			s += n + 1;
			for (;;) {
				s += strspn(s, " ");
				if (*s == '>' || (*s == '/' && s[1] == '>'))
					break;
				n = strcspn(s, "=");
				assert_true(s[n] == '=' && s[n + 1] == '"');
				s += n + 2;
				while (*s != '"') {
					if (!*s || *s == '<')
						fail_msg("bad attribute value near %.20s", s);
					if (*s == '&') {
						if (!xml_entity_ok(s, &n))
							fail_msg("bare '&' in attribute: %.20s", s);
						s += n;
					} else {
						s++;
					}
				}
				s++;
			}
			if (*s == '/') {
				s += 2;
			} else {
				depth++;
				s++;
			}
		} else {
			if ((unsigned char)*s < 0x20 && !strchr("\t\n\r", *s))
				fail_msg("control character 0x%02x", *s);
			s++;
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(roots, 1);
}

static void test_junit(void **state)
{
	struct fx *fx = *state;
	struct run *runs[4], *r;
	struct profile p2 = { .path = (char *)"profiles/a&b.ini" };
	char path[256], *x;

	runs[0] = fx->run;
	run_note(fx->run, "%s", "margin <1% & \"tie\" > noise\x01");
	for (int i = 1; i < 4; i++) {
		runs[i] = calloc(1, sizeof(*runs[i]));
		assert_non_null(runs[i]);
		runs[i]->profile = &p2;
		runs[i]->wall_ms = 1000;
	}
	r = runs[1];
	r->outcome = OUTCOME_FAIL;
	snprintf(r->reason, sizeof(r->reason), "expected <hog> & got \"mid\"\nline 2");
	run_note(r, "a < b");
	runs[2]->outcome = OUTCOME_BROK;
	snprintf(runs[2]->reason, sizeof(runs[2]->reason), "cannot create memcg");
	runs[3]->outcome = OUTCOME_SKIP;
	snprintf(runs[3]->reason, sizeof(runs[3]->reason), "needs vm");

	snprintf(path, sizeof(path), "%s/junit.xml", fx->dir);
	assert_int_equal(results_write_junit(runs, 4, path), 0);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 1);
	x = slurp(path);
	xml_check(x);
	assert_non_null(strstr(x, "<testsuite name=\"oomlab\" tests=\"4\" failures=\"1\" "
				  "errors=\"1\" skipped=\"1\" time=\"4.534\">"));
	assert_non_null(strstr(x, "<testcase classname=\"oomlab.6.18.44-fc-v595\" "
				  "name=\"profiles/claims/02-adj-1000.ini\" time=\"1.534\">"));
	assert_non_null(strstr(x, "margin &lt;1% &amp; &quot;tie&quot; &gt; noise?\n"));
	assert_non_null(strstr(x, "name=\"profiles/a&amp;b.ini\""));
	assert_non_null(strstr(x, "<failure message=\"expected &lt;hog&gt; &amp; got "
				  "&quot;mid&quot;&#10;line 2\" type=\"fail\"/>"));
	assert_non_null(strstr(x, "<error message=\"cannot create memcg\" type=\"broken\"/>"));
	assert_non_null(strstr(x, "<skipped message=\"needs vm\" type=\"skip\"/>"));
	assert_non_null(strstr(x, "<system-out>a &lt; b\n</system-out>"));
	free(x);

	/* same atomic path as JSON: an unwritable target leaves nothing */
	snprintf(path, sizeof(path), "%s/nodir/junit.xml", fx->dir);
	assert_int_equal(results_write_junit(runs, 4, path), -ENOENT);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 1);
	for (int i = 1; i < 4; i++) {
		run_free_notes(runs[i]);
		free(runs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_fields, setup, teardown),
		cmocka_unit_test(test_json_broken_no_profile),
		cmocka_unit_test(test_exit_strings),
		cmocka_unit_test_setup_teardown(test_write_default_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_replaces_whole_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fail_notdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fail_rename_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
