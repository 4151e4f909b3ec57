// SPDX-License-Identifier: MIT
/*
 * rlimits: the rlimit.* values, the mlock check `oomlab check` and the
 * ramp share, and the service keys of a worker (ready_*, setup, teardown,
 * rlimit.*, [profile] workdir) with their FILE:LINE errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"
#include "rlimits.h"
#include "util.h"

static int parse(const char *body, struct profile **ret, struct profile_error *e)
{
	char text[1024];

	snprintf(text, sizeof(text), "[profile]\nmemory_limit = 256M\n[worker w]\n%s\n", body);
	return profile_parse_string("svc.ini", text, ret, e);
}

static void test_parse_values(void **state)
{
	char why[128];
	uint64_t v = 7;

	assert_int_equal(rlimit_parse(WORKER_RLIMIT_MEMLOCK, "64M", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 64 * MIB);
	assert_int_equal(rlimit_parse(WORKER_RLIMIT_AS, "unlimited", &v, why, sizeof(why)), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(rlimit_parse(WORKER_RLIMIT_NOFILE, "1024", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 1024);
	v = 7;
	assert_int_equal(rlimit_parse(WORKER_RLIMIT_NOFILE, "0", &v, why, sizeof(why)), -EINVAL);
	assert_int_equal(v, 7); /* untouched on failure */
	assert_non_null(strstr(why, "not a count in 1..1048576"));
	assert_int_equal(rlimit_parse(WORKER_RLIMIT_MEMLOCK, "lots", &v, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "'lots' is not a size or 'unlimited'"));
	assert_string_equal(rlimit_key(WORKER_RLIMIT_AS), "rlimit.as");
}

static const struct {
	const char *body;
	int line;
	const char *field, *msg;
} bad[] = {
	{ "command = nc -l\nready_port = 0", 5, "ready_port", "'0' is not a TCP port (1..65535)" },
	{ "command = nc -l\nready_port = 65536", 5, "ready_port", "'65536' is not a TCP port" },
	{ "command = x\nready_log = a(b", 5, "ready_log", "'a(b' does not compile: " },
	{ "command = x\nready_log = [z-a]", 5, "ready_log", "does not compile: Invalid range end" },
	{ "command = x\nready_cmd = 'unterminated", 5, "ready_cmd", "unterminated 'quote'" },
	{ "command = x\nrlimit.memlock = 1Q", 5, "rlimit.memlock", "'1Q' is not a size" },
	{ "command = x\nrlimit.nofile = -1", 5, "rlimit.nofile", "not a count" },
	{ "command = x\nrlimit.stack = 8M", 5, "rlimit.stack", "unknown limit (rlimit.memlock" },
	{ "command = x\nrlimit.as = 1G\nrlimit.as = 2G", 6, "rlimit.as", "given twice" },
	{ "command = x\nsetup =", 5, "setup", "empty command" },
};

static void test_bad_keys(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct profile *p = (struct profile *)0x1;
		struct profile_error e = { 0 };
		char buf[512];
		int r = parse(bad[i].body, &p, &e);

		profile_error_str(&e, buf, sizeof(buf));
		if (r != -EINVAL || e.line != bad[i].line || strcmp(e.field, bad[i].field) ||
		    !strstr(e.msg, bad[i].msg))
			print_error("case %zu: got %d \"%s\"\n", i, r, buf);
		assert_int_equal(r, -EINVAL);
		assert_ptr_equal(p, (struct profile *)0x1);
		assert_int_equal(e.line, bad[i].line);
		assert_string_equal(e.field, bad[i].field);
		assert_non_null(strstr(e.msg, bad[i].msg));
	}
}

static void test_good_keys(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;
	const struct worker_spec *w;
	char text[1024];

	snprintf(text, sizeof(text),
		 "[profile]\nmemory_limit = 256M\nworkdir = auto\n[worker db]\n"
		 "command = postgres -D {workdir}/data -k {workdir}\n"
		 "setup = initdb -D {workdir}/data -A trust ; comment\n"
		 "teardown = pg_ctl -D '{workdir}/data' stop -m fast\n"
		 "ready_cmd = pg_isready -h {workdir} -p 54329\n"
		 "ready_port = 5432\nready_log = ready to accept ([a-z]+) connections\n"
		 "rlimit.memlock = 64M\nrlimit.nofile = 4096\n");
	assert_int_equal(profile_parse_string("svc.ini", text, &p, &e), 0);
	assert_true(p->workdir_auto);
	w = &p->workers[0];
	assert_string_equal(w->setup_cmd[0], "initdb");
	assert_string_equal(w->setup_cmd[4], "trust");
	assert_null(w->setup_cmd[5]);
	assert_string_equal(w->teardown_cmd[2], "{workdir}/data");
	assert_string_equal(w->ready_cmd[0], "pg_isready");
	assert_int_equal(w->ready_port, 5432);
	assert_string_equal(w->ready_log, "ready to accept ([a-z]+) connections");
	assert_true(w->rlimits[WORKER_RLIMIT_MEMLOCK].set);
	assert_int_equal(w->rlimits[WORKER_RLIMIT_MEMLOCK].value, 64 * MIB);
	assert_int_equal(w->rlimits[WORKER_RLIMIT_MEMLOCK].line, 11);
	assert_int_equal(w->rlimits[WORKER_RLIMIT_NOFILE].value, 4096);
	assert_false(w->rlimits[WORKER_RLIMIT_AS].set);
	profile_free(p);

	assert_int_equal(profile_parse_string("w.ini",
					      "[profile]\nworkdir = /tmp\n[worker w]\n"
					      "size = 1M\n",
					      &p, &e),
			 -EINVAL);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.field, "workdir");
}

/* This host: RLIMIT_MEMLOCK 8 MiB soft and hard, root with CAP_IPC_LOCK,
 * without CAP_SYS_RESOURCE. */
static const struct rlimit_env host = {
	.soft = { [WORKER_RLIMIT_MEMLOCK] = 8 * MIB,
		  [WORKER_RLIMIT_AS] = UINT64_MAX,
		  [WORKER_RLIMIT_NOFILE] = 20000 },
	.hard = { [WORKER_RLIMIT_MEMLOCK] = 8 * MIB,
		  [WORKER_RLIMIT_AS] = UINT64_MAX,
		  [WORKER_RLIMIT_NOFILE] = 20000 },
	.cap_ipc_lock = true,
};

static void test_mlock_short(void **state)
{
	struct profile *p = NULL;
	struct profile_error e;
	struct worker_spec *w;
	struct rlimit_env vm = host;
	char why[300];

	assert_int_equal(parse("pattern = mlock\nsize = 32M\nuser = nobody", &p, &e), 0);
	w = &p->workers[0];
	assert_true(rlimit_mlock_short(w, &host, why, sizeof(why)));
	assert_non_null(strstr(why, "w locks 32.0M but RLIMIT_MEMLOCK is 8.0M and it has no "
				    "CAP_IPC_LOCK (user is not root)"));
	assert_non_null(strstr(why, "set rlimit.memlock = 32.0M"));
	/* root with its capabilities keeps CAP_IPC_LOCK: no limit applies */
	w->has_user = false;
	assert_false(rlimit_mlock_short(w, &host, why, sizeof(why)));
	w->caps = CAPS_NONE;
	assert_true(rlimit_mlock_short(w, &host, why, sizeof(why)));
	assert_non_null(strstr(why, "(caps = none)"));
	/* a limit that covers the size */
	w->rlimits[WORKER_RLIMIT_MEMLOCK] = (struct worker_rlimit_setting){ true, 48 * MIB, 9 };
	assert_false(rlimit_mlock_short(w, &host, why, sizeof(why)));
	/* ... which this host cannot grant: above the hard limit without
	 * CAP_SYS_RESOURCE; a guest can */
	assert_true(rlimit_unsettable(w, &host, why, sizeof(why)));
	assert_non_null(strstr(why, "rlimit.memlock = 48.0M is above this host's hard limit 8.0M"));
	vm.cap_sys_resource = true;
	assert_false(rlimit_unsettable(w, &vm, why, sizeof(why)));
	/* below the hard limit anyone may set it */
	w->rlimits[WORKER_RLIMIT_MEMLOCK].value = 4 * MIB;
	assert_false(rlimit_unsettable(w, &host, why, sizeof(why)));
	assert_true(rlimit_mlock_short(w, &host, why, sizeof(why)));
	profile_free(p);

	/* not an mlock pattern: nothing to say */
	assert_int_equal(parse("pattern = page-touch\nsize = 32M\nuser = nobody", &p, &e), 0);
	assert_false(rlimit_mlock_short(&p->workers[0], &host, why, sizeof(why)));
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_good_keys),
		cmocka_unit_test(test_mlock_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
