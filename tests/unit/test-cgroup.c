// SPDX-License-Identifier: MIT
/*
 * cgroup detection and counter readers on fake cgroupfs trees
 * (tests/fixtures/cgroup/, see its README for where each came from), and
 * create/limit/remove/stale cleanup on copies of them in /tmp.
 */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "util.h"

#define FIX "tests/fixtures/cgroup"
#define HYBRID_ID "1703972a963c5972c24d04143586b34c"

static void detect_ok(const char *root, enum cg_version want_v, const char *want_dir)
{
	enum cg_version v = CG_NONE;
	char *dir = NULL;

	assert_int_equal(cg_detect(root, &v, &dir), 0);
	assert_int_equal(v, want_v);
	assert_non_null(dir);
	assert_string_equal(dir, want_dir);
	free(dir);
}

/* This machine: v1 memory wins over a cgroup2 mount without memory. */
static void test_detect_hybrid(void **state)
{
	detect_ok(FIX "/hybrid", CG_V1, FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID);
	/* a trailing slash on root must not double the separator */
	detect_ok(FIX "/hybrid/", CG_V1, FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID);
}

/* "cpu,cpuacct" and "name=systemd" lines must not be taken for memory. */
static void test_detect_v1(void **state)
{
	detect_ok(FIX "/v1", CG_V1, FIX "/v1/sys/fs/cgroup/memory/user.slice");
}

static void test_detect_v2_root(void **state)
{
	/* the root cgroup is the mount point itself */
	detect_ok(FIX "/v2", CG_V2, FIX "/v2/sys/fs/cgroup");
}

static void test_detect_v2_nested(void **state)
{
	detect_ok(FIX "/v2-nested", CG_V2,
		  FIX "/v2-nested/sys/fs/cgroup/system.slice/oomlab-ci.service");
}

static void test_detect_v2_nomem(void **state)
{
	enum cg_version v = CG_V1;
	char *dir = (char *)"untouched";

	assert_int_equal(cg_detect(FIX "/v2-nomem", &v, &dir), -EOPNOTSUPP);
	/* ret_* untouched on failure */
	assert_int_equal(v, CG_V1);
	assert_string_equal(dir, "untouched");
}

static void test_detect_missing(void **state)
{
	enum cg_version v = CG_NONE;
	char *dir = NULL;

	assert_int_equal(cg_detect(FIX "/does-not-exist", &v, &dir), -ENOENT);
	assert_null(dir);
}

/* Captured after a real memcg OOM kill on 6.18 (64M limit). */
static void test_counters_v1_real(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID
					      "/oomlab-4242-quick",
					  CG_V1, &c),
			 0);
	assert_int_equal(c.version, CG_V1);
	assert_int_equal(c.usage, 21688320);
	assert_int_equal(c.limit, 64 * MIB);
	assert_int_equal(c.oom_kill, 1);
	assert_int_equal(c.failcnt, 36);
	assert_false(c.under_oom);
	assert_int_equal(c.oom, 0);
	assert_int_equal(c.oom_group_kill, 0);
}

/* v1's "no limit" sentinel (PAGE_COUNTER_MAX bytes) reads as UINT64_MAX. */
static void test_counters_v1_unlimited(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID,
					  CG_V1, &c),
			 0);
	assert_true(c.limit == UINT64_MAX);
	assert_int_equal(c.usage, 11010048);
}

/* Before 4.13 memory.oom_control had no oom_kill line: 0, not an error. */
static void test_counters_v1_legacy(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v1/sys/fs/cgroup/memory/user.slice/"
					      "oomlab-4242-quick",
					  CG_V1, &c),
			 0);
	assert_int_equal(c.limit, 256 * MIB);
	assert_int_equal(c.usage, 268185600);
	assert_int_equal(c.failcnt, 5121);
	assert_true(c.under_oom);
	assert_int_equal(c.oom_kill, 0);
}

static void test_counters_v2(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-quick", CG_V2, &c), 0);
	assert_int_equal(c.version, CG_V2);
	assert_int_equal(c.usage, 2564096);
	assert_int_equal(c.limit, 64 * MIB);
	assert_int_equal(c.oom, 1);
	assert_int_equal(c.oom_kill, 1);
	assert_int_equal(c.oom_group_kill, 0);
	assert_int_equal(c.failcnt, 41);
	assert_false(c.under_oom);
}

static void test_counters_v2_group_max(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-group", CG_V2, &c), 0);
	assert_true(c.limit == UINT64_MAX); /* "max" */
	assert_int_equal(c.oom_kill, 3);
	assert_int_equal(c.oom_group_kill, 1);
	assert_int_equal(c.failcnt, 7);
}

/* Before 5.17 memory.events had no oom_group_kill line. */
static void test_counters_v2_pre517(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2-nested/sys/fs/cgroup/system.slice/"
					      "oomlab-ci.service/oomlab-4242-quick",
					  CG_V2, &c),
			 0);
	assert_int_equal(c.usage, 133251072);
	assert_int_equal(c.limit, 128 * MIB);
	assert_int_equal(c.oom, 2);
	assert_int_equal(c.oom_kill, 2);
	assert_int_equal(c.oom_group_kill, 0);
	assert_int_equal(c.failcnt, 2290);
}

static void test_counters_errors(void **state)
{
	struct cg_counters c = { .usage = 77 };

	/* "12k" in memory.current and "oom_kill one" are refused, c untouched */
	assert_int_equal(cg_read_counters(FIX "/bad", CG_V2, &c), -EINVAL);
	assert_int_equal(c.usage, 77);
	/* v1 files asked of a v2 directory */
	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-quick", CG_V1, &c),
			 -ENOENT);
	assert_int_equal(cg_read_counters(FIX "/v2", CG_NONE, &c), -EINVAL);
	assert_int_equal(c.usage, 77);
}

static void test_null_safe(void **state)
{
	cg_destroy(NULL);
	assert_int_equal(cg_remove(NULL), 0);
	assert_null(cg_relpath(NULL));
	assert_null(cg_path(NULL));
	assert_null(cg_oom_counter_file(NULL));
	assert_int_equal(cg_version(NULL), CG_NONE);
	assert_int_equal(cg_attach(NULL, 1), -EINVAL);
	assert_int_equal(cg_set_limit(NULL, MIB), -EINVAL);
}

/* Tags become directory names: no path separators or empty names. */
static void test_create_bad_tag(void **state)
{
	struct oomlab_cg *cg = (struct oomlab_cg *)0x1;

	assert_int_equal(cg_create("", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_int_equal(cg_create("../x", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_int_equal(cg_create("a b", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_ptr_equal(cg, (struct oomlab_cg *)0x1);
}

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -errno;
	r = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

static int put_in(const char *dir, const char *file, const char *text)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return -ENOMEM;
	return put(p, text);
}

/* ---- create, limit, remove and stale cleanup on a copy of a fixture tree ---- */

static int copy_tree(const char *from, const char *to)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (mkdir(to, 0755) < 0 && errno != EEXIST)
		return -errno;
	d = opendir(from);
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		_cleanup_free_ char *a = NULL, *b = NULL, *buf = NULL;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&a, "%s/%s", from, de->d_name) < 0 ||
		    asprintf(&b, "%s/%s", to, de->d_name) < 0)
			r = -ENOMEM;
		else if (lstat(a, &st) < 0)
			r = -errno;
		else if (S_ISDIR(st.st_mode))
			r = copy_tree(a, b);
		else if (read_file_str(a, &buf) == 0)
			r = put(b, buf);
	}
	closedir(d);
	return r;
}

/* A fresh copy of fixture NAME in a temporary directory (freed by the caller). */
static char *fixture_copy(const char *name)
{
	char tmpl[] = "/tmp/oomlab-unit-cg.XXXXXX", *src = NULL, *dst;

	assert_non_null(mkdtemp(tmpl));
	dst = strdup(tmpl);
	assert_int_equal(asprintf(&src, FIX "/%s", name) > 0, 1);
	assert_int_equal(copy_tree(src, dst), 0);
	free(src);
	return dst;
}

static int rm_tree(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void fixture_drop(char *root)
{
	nftw(root, rm_tree, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static char *slurp(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;
	char *buf = NULL;

	assert_int_equal(asprintf(&p, "%s/%s", dir, file) > 0, 1);
	if (read_file_str(p, &buf) < 0)
		return NULL;
	return buf;
}

static void assert_file(const char *dir, const char *file, const char *want)
{
	_cleanup_free_ char *got = slurp(dir, file);

	assert_non_null(got);
	assert_string_equal(got, want);
}

static bool exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;

	assert_int_equal(asprintf(&p, "%s/%s", dir, file) > 0, 1);
	return access(p, F_OK) == 0;
}

/* v2 in the root cgroup (the VM guest): memory.max, oom.group, no swap file. */
static void test_create_v2(void **state)
{
	char *root = fixture_copy("v2"), rel[64], dir[PATH_MAX];
	struct oomlab_cg *cg = NULL, *dup = (struct oomlab_cg *)0x1;

	assert_int_equal(cg_create_in(root, "t1", 64 * MIB, true, 0, &cg), 0);
	snprintf(rel, sizeof(rel), "/oomlab-%d-t1", (int)getpid());
	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup%s", root, rel);
	assert_string_equal(cg_relpath(cg), rel);
	assert_string_equal(cg_path(cg), dir);
	assert_int_equal(cg_version(cg), CG_V2);
	assert_file(dir, "memory.max", "67108864");
	assert_file(dir, "memory.oom.group", "1");
	/* the parent has no memory.swap.max: no swap accounting, not written */
	assert_false(exists(dir, "memory.swap.max"));
	assert_non_null(strstr(cg_oom_counter_file(cg), "/memory.events"));
	/* an existing directory is not ours */
	assert_int_equal(cg_create_in(root, "t1", 64 * MIB, false, 0, &dup), -EEXIST);
	assert_ptr_equal(dup, (struct oomlab_cg *)0x1);

	assert_int_equal(cg_set_limit(cg, 32 * MIB), 0);
	assert_file(dir, "memory.max", "33554432");
	assert_int_equal(cg_set_limit(cg, UINT64_MAX), 0);
	assert_file(dir, "memory.max", "max");
	assert_int_equal(cg_set(cg, CG_KNOB_HIGH, 48 * MIB), 0);
	assert_file(dir, "memory.high", "50331648");
	assert_int_equal(cg_set(cg, CG_KNOB_FAILCNT, 0), -EOPNOTSUPP);

	assert_int_equal(cg_remove(cg), 0);
	assert_false(exists(dir, "."));
	assert_int_equal(cg_remove(cg), 0); /* twice: already gone */
	cg_destroy(cg);
	fixture_drop(root);
}

/* v1: oom_kill_disable cleared, memsw = limit + swap, limit/memsw in order. */
static void test_create_v1(void **state)
{
	char *root = fixture_copy("v1"), dir[PATH_MAX + 64], parent[PATH_MAX];
	struct oomlab_cg *cg = NULL;

	snprintf(parent, sizeof(parent), "%s/sys/fs/cgroup/memory/user.slice", root);
	assert_int_equal(cg_create_in(root, "g", 64 * MIB, true, 0, &cg), -EOPNOTSUPP);
	assert_null(cg);
	/* no memsw file in the parent: swap accounting off, swap not written */
	assert_int_equal(cg_create_in(root, "a", 64 * MIB, false, 16 * MIB, &cg), 0);
	snprintf(dir, sizeof(dir), "%s/oomlab-%d-a", parent, (int)getpid());
	assert_string_equal(cg_path(cg), dir);
	assert_file(dir, "memory.oom_control", "0");
	assert_file(dir, "memory.limit_in_bytes", "67108864");
	assert_false(exists(dir, "memory.memsw.limit_in_bytes"));
	assert_int_equal(cg_set(cg, CG_KNOB_OOM_GROUP, 1), -EOPNOTSUPP);
	assert_int_equal(cg_set(cg, CG_KNOB_MIN, 1), -EOPNOTSUPP);
	cg_destroy(cg);
	assert_false(exists(dir, "."));

	assert_int_equal(put_in(parent, "memory.memsw.limit_in_bytes", "9223372036854771712\n"), 0);
	assert_int_equal(cg_create_in(root, "b", 64 * MIB, false, 16 * MIB, &cg), 0);
	snprintf(dir, sizeof(dir), "%s/oomlab-%d-b", parent, (int)getpid());
	assert_file(dir, "memory.memsw.limit_in_bytes", "83886080");
	assert_int_equal(cg_set_limit(cg, 32 * MIB), 0);
	assert_file(dir, "memory.limit_in_bytes", "33554432");
	assert_file(dir, "memory.memsw.limit_in_bytes", "50331648");
	assert_int_equal(cg_set_limit(cg, UINT64_MAX), 0);
	assert_file(dir, "memory.limit_in_bytes", "-1");
	assert_file(dir, "memory.memsw.limit_in_bytes", "-1");
	cg_destroy(cg);
	assert_false(exists(dir, "."));
	fixture_drop(root);
}

/*
 * A tree under the run's cgroup (issue 8): v2 delegates memory to the
 * children first; v1 refuses the knobs it lacks and creates nothing;
 * removing the run's cgroup removes the tree, children first.
 */
static void test_create_child(void **state)
{
	char *root = fixture_copy("v2"), pod[PATH_MAX + 16], c1[PATH_MAX + 32];
	struct oomlab_cg *run = NULL, *g = NULL, *c = NULL, *bad = (struct oomlab_cg *)0x1;
	const struct cg_setting pod_set[] = {
		{ CG_KNOB_LOW, 16 * MIB },
		{ CG_KNOB_MAX, 192 * MIB }, /* written first whatever the order */
		{ CG_KNOB_OOM_GROUP, 1 },
	};
	const struct cg_setting c1_set[] = { { CG_KNOB_MAX, 96 * MIB } };

	assert_int_equal(cg_create_in(root, "tree", 256 * MIB, false, 0, &run), 0);
	assert_int_equal(cg_create_child(run, "pod", pod_set, 3, &g), 0);
	snprintf(pod, sizeof(pod), "%s/pod", cg_path(run));
	assert_string_equal(cg_path(g), pod);
	assert_non_null(strstr(cg_relpath(g), "-tree/pod"));
	assert_file(cg_path(run), "cgroup.subtree_control", "+memory");
	assert_file(pod, "memory.max", "201326592");
	assert_file(pod, "memory.low", "16777216");
	assert_file(pod, "memory.oom.group", "1");
	assert_int_equal(cg_create_child(g, "c1", c1_set, 1, &c), 0);
	snprintf(c1, sizeof(c1), "%s/c1", pod);
	assert_file(c1, "memory.max", "100663296");
	assert_int_equal(cg_create_child(g, "c/1", c1_set, 1, &bad), -EINVAL);
	assert_ptr_equal(bad, (struct oomlab_cg *)0x1);
	/* the run's cgroup goes with its tree */
	assert_int_equal(cg_remove(run), 0);
	assert_false(exists(c1, "."));
	assert_false(exists(pod, "."));
	assert_int_equal(cg_remove(c), 0); /* already gone */
	cg_destroy(c);
	cg_destroy(g);
	cg_destroy(run);
	fixture_drop(root);

	root = fixture_copy("v1");
	assert_int_equal(cg_create_in(root, "tree", 256 * MIB, false, 0, &run), 0);
	assert_int_equal(cg_create_child(run, "pod", pod_set, 3, &bad), -EOPNOTSUPP);
	assert_ptr_equal(bad, (struct oomlab_cg *)0x1);
	snprintf(pod, sizeof(pod), "%s/pod", cg_path(run));
	assert_false(exists(pod, "."));
	assert_int_equal(cg_create_child(run, "pod", c1_set, 1, &g), 0);
	assert_file(pod, "memory.limit_in_bytes", "100663296");
	assert_file(pod, "memory.oom_control", "0");
	cg_destroy(run);
	assert_false(exists(pod, "."));
	cg_destroy(g);
	fixture_drop(root);
}

/*
 * Stale cleanup: gone owners' cgroups go, ours stays, and one listing
 * tasks is never signalled on a fake tree (its PIDs are another machine's).
 */
static void test_cleanup_stale_fake(void **state)
{
	char *root = fixture_copy("v2"), base[PATH_MAX], mine[PATH_MAX + 32];
	char gone[PATH_MAX + 32], busy[PATH_MAX + 32];

	snprintf(base, sizeof(base), "%s/sys/fs/cgroup", root);
	snprintf(mine, sizeof(mine), "%s/oomlab-%d-mine", base, (int)getpid());
	snprintf(gone, sizeof(gone), "%s/oomlab-999999999-gone", base);
	snprintf(busy, sizeof(busy), "%s/oomlab-4242-quick", base);
	assert_int_equal(mkdir(mine, 0755), 0);
	assert_int_equal(mkdir(gone, 0755), 0);
	assert_int_equal(put_in(busy, "cgroup.procs", "1\n"), 0);
	/* removed: oomlab-999999999-gone and oomlab-4242-group (no ROOT/proc/4242) */
	assert_int_equal(cg_cleanup_stale_in(root), 2);
	assert_false(exists(gone, "."));
	assert_false(exists(base, "oomlab-4242-group"));
	assert_true(exists(mine, "."));
	assert_true(exists(busy, "."));
	assert_int_equal(cg_cleanup_stale_in(root), 0);
	fixture_drop(root);
}

/* The table: one row per knob, v2 -> v1 names, v2-only knobs absent on v1. */
static void test_knob_table(void **state)
{
	char buf[32];

	assert_string_equal(cg_knob_file(CG_KNOB_MAX, CG_V2), "memory.max");
	assert_string_equal(cg_knob_file(CG_KNOB_MAX, CG_V1), "memory.limit_in_bytes");
	assert_string_equal(cg_knob_file(CG_KNOB_CURRENT, CG_V1), "memory.usage_in_bytes");
	assert_string_equal(cg_knob_file(CG_KNOB_SWAP_MAX, CG_V2), "memory.swap.max");
	assert_string_equal(cg_knob_file(CG_KNOB_SWAP_MAX, CG_V1), "memory.memsw.limit_in_bytes");
	assert_string_equal(cg_knob_file(CG_KNOB_OOM_EVENTS, CG_V1), "memory.oom_control");
	for (enum cg_knob k = CG_KNOB_OOM_GROUP; k <= CG_KNOB_MIN; k++) {
		assert_non_null(cg_knob_file(k, CG_V2));
		assert_null(cg_knob_file(k, CG_V1));
		assert_int_equal(cg_knob_value(k, CG_V1, 1, 0, buf), -EOPNOTSUPP);
	}
	assert_null(cg_knob_file(CG_KNOB_FAILCNT, CG_V2));
	assert_null(cg_knob_file(CG_KNOB_MAX, CG_NONE));
	assert_null(cg_knob_file(CG_KNOB_COUNT, CG_V2));
	for (enum cg_knob k = 0; k < CG_KNOB_COUNT; k++)
		assert_true(cg_knob_file(k, CG_V1) || cg_knob_file(k, CG_V2));

	assert_int_equal(cg_knob_value(CG_KNOB_MAX, CG_V2, UINT64_MAX, 0, buf), 0);
	assert_string_equal(buf, "max");
	assert_int_equal(cg_knob_value(CG_KNOB_MAX, CG_V1, UINT64_MAX, 0, buf), 0);
	assert_string_equal(buf, "-1");
	/* v1 memsw is memory + swap; v2 swap.max is swap alone */
	assert_int_equal(cg_knob_value(CG_KNOB_SWAP_MAX, CG_V1, 16 * MIB, 64 * MIB, buf), 0);
	assert_string_equal(buf, "83886080");
	assert_int_equal(cg_knob_value(CG_KNOB_SWAP_MAX, CG_V2, 16 * MIB, 64 * MIB, buf), 0);
	assert_string_equal(buf, "16777216");
	assert_int_equal(cg_knob_value(CG_KNOB_SWAP_MAX, CG_V1, 1, UINT64_MAX, buf), 0);
	assert_string_equal(buf, "-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_hybrid),
		cmocka_unit_test(test_detect_v1),
		cmocka_unit_test(test_detect_v2_root),
		cmocka_unit_test(test_detect_v2_nested),
		cmocka_unit_test(test_detect_v2_nomem),
		cmocka_unit_test(test_detect_missing),
		cmocka_unit_test(test_counters_v1_real),
		cmocka_unit_test(test_counters_v1_unlimited),
		cmocka_unit_test(test_counters_v1_legacy),
		cmocka_unit_test(test_counters_v2),
		cmocka_unit_test(test_counters_v2_group_max),
		cmocka_unit_test(test_counters_v2_pre517),
		cmocka_unit_test(test_counters_errors),
		cmocka_unit_test(test_null_safe),
		cmocka_unit_test(test_create_bad_tag),
		cmocka_unit_test(test_create_v2),
		cmocka_unit_test(test_create_v1),
		cmocka_unit_test(test_create_child),
		cmocka_unit_test(test_cleanup_stale_fake),
		cmocka_unit_test(test_knob_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
