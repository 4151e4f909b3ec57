// SPDX-License-Identifier: MIT
/*
 * admission: the ledger's reservations (live jobs only, not our own, a
 * line cut short skipped), and one attempt against a real ledger file:
 * refused while another live job's need does not leave room, admitted
 * (and written down) when it does, admitted short when no job of the
 * suite is left to wait for.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "admission.h"
#include "util.h"

static bool odd_alive(pid_t pid)
{
	return pid % 2;
}

static void test_reserved(void **state)
{
	uint64_t r = 1;
	unsigned n = 9;

	/* 11 and 13 alive, 12 dead, 15 is us, 17's line was cut short */
	admission_reserved("11 100\n12 200\n13 300\n15 400\n17 50", 15, odd_alive, &r, &n);
	assert_int_equal(r, 400);
	assert_int_equal(n, 2);
	admission_reserved("", 1, odd_alive, &r, &n);
	assert_int_equal(r, 0);
	assert_int_equal(n, 0);
	admission_reserved("garbage\n-3 100\n21 x\n", 1, odd_alive, &r, &n);
	assert_int_equal(r, 0);
	assert_int_equal(n, 0);
}

static void test_try(void **state)
{
	char dir[] = "/tmp/oomlab-test-adm.XXXXXX", ledger[64];
	struct admission_view v;
	_cleanup_free_ char *text = NULL;
	pid_t other;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(ledger, sizeof(ledger), "%s/admission", dir);
	/* no ledger: MemAvailable alone */
	assert_int_equal(admission_try(NULL, 100, 99, &v), 0);
	assert_int_equal(admission_try(NULL, 100, 100, &v), 1);

	/* another job of the suite, alive, reserving 600 */
	other = fork();
	assert_true(other >= 0);
	if (other == 0) {
		pause();
		_exit(0);
	}
	f = fopen(ledger, "w");
	assert_non_null(f);
	fprintf(f, "%d 600\n", (int)other);
	fclose(f);
	assert_int_equal(admission_try(ledger, 500, 1000, &v), 0);
	assert_int_equal(v.reserved, 600);
	assert_int_equal(v.jobs, 1);
	assert_int_equal(v.need, 500);
	assert_int_equal(v.available, 1000);
	/* a small job fits beside it, and is written down */
	assert_int_equal(admission_try(ledger, 400, 1000, &v), 1);
	assert_int_equal(read_file_str(ledger, &text), 0);
	{
		char want[64];

		snprintf(want, sizeof(want), "%d 600\n%d 400\n", (int)other, (int)getpid());
		assert_string_equal(text, want);
	}
	/* the other job ends: its line goes, nothing is left to wait for */
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	assert_int_equal(admission_try(ledger, 5000, 1000, &v), 2);
	assert_int_equal(v.jobs, 0);
	free(text);
	text = NULL;
	assert_int_equal(read_file_str(ledger, &text), 0);
	{
		char want[64];

		snprintf(want, sizeof(want), "%d 5000\n", (int)getpid());
		assert_string_equal(text, want);
	}
	unlink(ledger);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_try),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
