// SPDX-License-Identifier: MIT
/*
 * oomwatch's bookkeeping on a temporary directory standing in for a memcg
 * (the kernel's notifications themselves: tests/integration/t-oomwatch.sh):
 * v2 counts "oom" moves in memory.events and ignores the other keys; v1
 * registers "<eventfd> <oom_control fd>" in cgroup.event_control.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomwatch.h"
#include "util.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/oomlab-oomwatch-test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *files[] = { "memory.events", "memory.oom_control", "cgroup.event_control" };
	char p[128];

	for (unsigned i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	return rmdir(dir);
}

static void test_v2_counts_oom(void **state)
{
	struct oomwatch *w = NULL;
	uint64_t n = 99;

	put("memory.events", "low 0\nhigh 3\nmax 1\noom 1\noom_kill 1\noom_group_kill 0\n");
	assert_int_equal(oomwatch_open(dir, true, &w), 0);
	assert_true(oomwatch_fd(w) >= 0);
	assert_int_equal(oomwatch_check(w, &n), 0);
	assert_int_equal(n, 0); /* what was there before the open is not ours */
	/* a "high" or "max" event is not an OOM */
	put("memory.events", "low 0\nhigh 9\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");
	assert_int_equal(oomwatch_check(w, &n), 0);
	assert_int_equal(n, 0);
	put("memory.events", "low 0\nhigh 9\nmax 4\noom 3\noom_kill 2\noom_group_kill 0\n");
	assert_int_equal(oomwatch_check(w, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(oomwatch_check(w, &n), 0);
	assert_int_equal(n, 0);
	oomwatch_close(w);
}

static void test_v1_registers(void **state)
{
	_cleanup_free_ char *line = NULL;
	struct oomwatch *w = NULL;
	uint64_t n = 99;
	int efd, ofd;

	put("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put("cgroup.event_control", "");
	assert_int_equal(oomwatch_open(dir, false, &w), 0);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/cgroup.event_control", dir);
		assert_int_equal(read_file_str(p, &line), 0);
	}
	assert_int_equal(sscanf(line, "%d %d", &efd, &ofd), 2);
	assert_int_equal(efd, oomwatch_fd(w));
	assert_true(ofd >= 0 && ofd != efd);
	assert_int_equal(oomwatch_check(w, &n), 0);
	assert_int_equal(n, 0); /* no OOM: the eventfd is empty */
	oomwatch_close(w);
}

static void test_missing(void **state)
{
	struct oomwatch *w = NULL;

	assert_int_equal(oomwatch_open("/nonexistent", true, &w), -ENOENT);
	assert_int_equal(oomwatch_open("/nonexistent", false, &w), -ENOENT);
	assert_null(w);
	oomwatch_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v2_counts_oom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v1_registers, setup, teardown),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests_name("oomwatch", tests, NULL, NULL);
}
