// SPDX-License-Identifier: MIT
/*
 * fileio (and util's keyed reader): the line reader's bound, mkdir -p,
 * write_atomic replacing, write_atomic_new / _unique never replacing, the
 * output-path checks the run does before anything starts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "util.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/oomlab-test-fileio.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_all(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;

	while (dp && (e = readdir(dp))) {
		char p[512];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_all(p);
		else
			unlink(p);
	}
	if (dp)
		closedir(dp);
	return rmdir(d);
}

static int teardown(void **state)
{
	return rm_all(dir);
}

/* entries in dir, hidden ones (temp files) included */
static unsigned count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	unsigned n = 0;

	while (dp && (e = readdir(dp)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (dp)
		closedir(dp);
	return n;
}

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_lines(void **state)
{
	struct line_reader lr;
	char p[256], *line;
	size_t len;

	put("a.txt", "one\r\n\ntwo\nlast");
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	assert_int_equal(line_reader_open(&lr, p, 64), 0);
	assert_int_equal(line_read(&lr, &line, &len), 1);
	assert_string_equal(line, "one"); /* CR stripped */
	assert_int_equal(len, 3);
	assert_int_equal(line_read(&lr, &line, &len), 1);
	assert_string_equal(line, "");
	assert_int_equal(line_read(&lr, &line, &len), 1);
	assert_string_equal(line, "two");
	assert_int_equal(line_read(&lr, &line, &len), 1);
	assert_string_equal(line, "last"); /* no final newline */
	assert_int_equal(lr.lineno, 4);
	assert_int_equal(line_read(&lr, &line, &len), 0);
	line_reader_done(&lr);

	assert_int_equal(line_reader_open(&lr, "/nonexistent/x", 64), -ENOENT);
	assert_int_equal(line_reader_open(&lr, dir, 64), -EISDIR);
}

static void test_line_bound(void **state)
{
	struct line_reader lr;
	char *line;
	size_t len;

	/* /dev/zero has no newline: the reader stops at the bound */
	assert_int_equal(line_reader_open(&lr, "/dev/zero", 1000), 0);
	assert_int_equal(line_read(&lr, &line, &len), -E2BIG);
	line_reader_done(&lr);

	put("b.txt", "12345\n123456\n");
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/b.txt", dir);
		assert_int_equal(line_reader_open(&lr, p, 5), 0);
	}
	assert_int_equal(line_read(&lr, &line, &len), 1);
	assert_string_equal(line, "12345");
	assert_int_equal(line_read(&lr, &line, &len), -E2BIG);
	line_reader_done(&lr);
}

static void test_keyed(void **state)
{
	const char *text = "oom 3\noom_kill 2\nMemTotal:       24576000 kB\nName:\ttree\n";
	char p[256];
	size_t len;
	uint64_t v = 77;
	const char *s;

	s = keyed_find(text, "oom_kill", &len);
	assert_non_null(s);
	assert_int_equal(strtoul(s, NULL, 10), 2);
	assert_int_equal(strtoul(keyed_find(text, "oom", NULL), NULL, 10), 3);
	s = keyed_find(text, "MemTotal", &len);
	assert_non_null(s);
	assert_int_equal(len, strlen("24576000 kB"));
	s = keyed_find(text, "Name", &len);
	assert_int_equal(len, 4);
	assert_memory_equal(s, "tree", 4);
	assert_null(keyed_find(text, "oom_kil", NULL)); /* whole keys only */
	assert_null(keyed_find(text, "Nam", NULL));

	put("memory.events", "low 0\nhigh 0\nmax 10\noom 1\noom_kill 1\n");
	snprintf(p, sizeof(p), "%s/memory.events", dir);
	assert_int_equal(read_keyed_u64(p, "max", &v), 0);
	assert_int_equal(v, 10);
	v = 77;
	assert_int_equal(read_keyed_u64(p, "oom_group_kill", &v), -ENOENT);
	assert_int_equal(v, 77); /* untouched on failure */
}

static void test_mkdir_p(void **state)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/x/y/z", dir);
	assert_int_equal(mkdir_p(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdir_p(p, 0755), 0); /* exists: fine */
	put("file", "x");
	snprintf(p, sizeof(p), "%s/file", dir);
	assert_int_equal(mkdir_p(p, 0755), -ENOTDIR);
	snprintf(p, sizeof(p), "%s/file/sub", dir);
	assert_int_equal(mkdir_p(p, 0755), -ENOTDIR);
}

/* PROFILE|DIR arguments: a file (even a missing one) as it is, a directory
 * as its *.ini sorted, an empty one adding nothing */
static void test_ini_paths(void **state)
{
	char p[256], slash[256], empty[256], **v = NULL;
	size_t nv = 0;

	put("b.ini", "");
	put("a.ini", "");
	put("notes.txt", "");
	put(".ini", ""); /* no name before the suffix: not a profile */
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	assert_int_equal(mkdir(empty, 0755), 0);
	assert_int_equal(ini_paths_add("missing.ini", &v, &nv), 1);
	assert_int_equal(ini_paths_add(dir, &v, &nv), 2);
	snprintf(slash, sizeof(slash), "%s/", dir);
	assert_int_equal(ini_paths_add(slash, &v, &nv), 2);
	assert_int_equal(ini_paths_add(empty, &v, &nv), 0);
	assert_int_equal(nv, 5);
	assert_string_equal(v[0], "missing.ini");
	snprintf(p, sizeof(p), "%s/a.ini", dir);
	assert_string_equal(v[1], p);
	assert_string_equal(v[3], p); /* "DIR/" gets no second slash */
	snprintf(p, sizeof(p), "%s/b.ini", dir);
	assert_string_equal(v[2], p);
	assert_string_equal(v[4], p);
	chmod(empty, 0);
	if (geteuid() != 0) /* root reads it anyway */
		assert_int_equal(ini_paths_add(empty, &v, &nv), -EACCES);
	assert_int_equal(nv, 5);
	chmod(empty, 0755);
	paths_free(v, nv);
}

static int fill_text(FILE *f, const void *arg)
{
	return fputs(arg, f) < 0 ? -EIO : 0;
}

static int fill_fails(FILE *f, const void *arg)
{
	fputs("partial", f);
	return -ENOSPC;
}

static void test_write_atomic(void **state)
{
	char p[256];
	_cleanup_free_ char *a = NULL, *b = NULL;
	struct stat st;
	struct wbuf wb = { "buf\n", 4 };

	snprintf(p, sizeof(p), "%s/w/out.json", dir);
	{
		char d[256];

		snprintf(d, sizeof(d), "%s/w", dir);
		assert_int_equal(mkdir_p(d, 0755), 0);
		assert_int_equal(write_atomic(p, 0644, fill_text, "first\n"), 0);
		assert_int_equal(read_file_str(p, &a), 0);
		assert_string_equal(a, "first\n");
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644); /* fchmod, not mkstemp's 0600 */
		/* replace: the old content or the new, and the new it is */
		assert_int_equal(write_atomic(p, 0644, write_fill_buf, &wb), 0);
		assert_int_equal(read_file_str(p, &b), 0);
		assert_string_equal(b, "buf\n");
		/* a failing fill leaves the old file and no temp file */
		assert_int_equal(write_atomic(p, 0644, fill_fails, NULL), -ENOSPC);
		assert_int_equal(count_entries(d), 1);
		free(b);
		b = NULL;
		assert_int_equal(read_file_str(p, &b), 0);
		assert_string_equal(b, "buf\n");
		/* a directory that does not exist: -ENOENT, nothing left */
		snprintf(p, sizeof(p), "%s/none/out.json", dir);
		assert_int_equal(write_atomic(p, 0644, fill_text, "x"), -ENOENT);
	}
}

static void test_write_never_replaces(void **state)
{
	char p[300], d[256];
	_cleanup_free_ char *a = NULL;
	char *got[3] = { NULL };

	snprintf(d, sizeof(d), "%s/n", dir);
	assert_int_equal(mkdir_p(d, 0755), 0);
	snprintf(p, sizeof(p), "%s/r.json", d);
	assert_int_equal(write_atomic_new(p, 0644, fill_text, "one"), 0);
	assert_int_equal(write_atomic_new(p, 0644, fill_text, "two"), -EEXIST);
	assert_int_equal(read_file_str(p, &a), 0);
	assert_string_equal(a, "one");
	assert_int_equal(count_entries(d), 1); /* the temp file is gone */

	/* the same stem three times: three files, none overwritten */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
			write_atomic_unique(d, "run", ".json", 0644, fill_text, "x", &got[i]), 0);
	assert_true(strstr(got[0], "/run.json") != NULL);
	assert_true(strstr(got[1], "/run-2.json") != NULL);
	assert_true(strstr(got[2], "/run-3.json") != NULL);
	assert_int_equal(count_entries(d), 4);
	for (int i = 0; i < 3; i++)
		free(got[i]);
	assert_int_equal(write_atomic_unique(d, "run", ".json", 0644, fill_fails, NULL, NULL),
			 -ENOSPC);
	assert_int_equal(count_entries(d), 4);
}

static void test_output_checks(void **state)
{
	char p[256];

	assert_int_equal(check_output_dir(dir, false), 0);
	snprintf(p, sizeof(p), "%s/not/yet/there", dir);
	assert_int_equal(check_output_dir(p, true), 0); /* mkdir_p will make it */
	assert_int_equal(check_output_dir(p, false), -ENOENT);
	assert_int_equal(check_output_file(p, true), 0);
	assert_int_equal(check_output_file(p, false), -ENOENT);
	assert_int_equal(check_output_dir("/etc/passwd", true), -ENOTDIR);
	assert_int_equal(check_output_dir("/etc/passwd/sub", true), -ENOTDIR);
	assert_true(check_output_file("/proc/x.json", true) < 0);
	assert_true(check_output_dir("/proc/sys/x", true) < 0);
	assert_int_equal(check_output_file(dir, true), -EISDIR);
	assert_int_equal(check_output_file("/dev/null", true), -EINVAL);
	snprintf(p, sizeof(p), "%s/out.json", dir);
	assert_int_equal(check_output_file(p, false), 0);
	assert_int_equal(count_entries(dir), 0); /* the probe left nothing */
}

static void test_self_exe(void **state)
{
	_cleanup_free_ char *exe = NULL, *d = NULL;

	assert_int_equal(self_exe(&exe), 0);
	assert_non_null(strstr(exe, "test-fileio"));
	assert_int_equal(self_exe_dir(&d), 0);
	assert_int_equal(strncmp(exe, d, strlen(d)), 0);
	assert_int_equal(exe[strlen(d)], '/');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ini_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_never_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_checks, setup, teardown),
		cmocka_unit_test(test_self_exe),
	};

	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
