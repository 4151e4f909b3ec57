// SPDX-License-Identifier: MIT
/* svc: {workdir} expansion, and a workdir created and removed whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "svc.h"
#include "util.h"

static void test_expand(void **state)
{
	char *argv[] = { "postgres", "-D", "{workdir}/data", "-k{workdir}", "{workdir}{workdir}",
			 "{work",    NULL };
	char **v = svc_expand(argv, "/tmp/w", NULL);

	assert_non_null(v);
	assert_string_equal(v[0], "postgres");
	assert_string_equal(v[2], "/tmp/w/data");
	assert_string_equal(v[3], "-k/tmp/w");
	assert_string_equal(v[4], "/tmp/w/tmp/w");
	assert_string_equal(v[5], "{work");
	assert_null(v[6]);
	svc_argv_free(v);
	/* no workdir: copied as written */
	v = svc_expand(argv, NULL, NULL);
	assert_string_equal(v[2], "{workdir}/data");
	svc_argv_free(v);
	assert_null(svc_expand(NULL, "/x", NULL));
	/* both keys, next to each other and repeated */
	{
		char *a2[] = { "-c", "{profiledir}/nginx.conf", "-p{workdir}{profiledir}", NULL };

		v = svc_expand(a2, "/w", "/etc/p");
		assert_string_equal(v[1], "/etc/p/nginx.conf");
		assert_string_equal(v[2], "-p/w/etc/p");
		svc_argv_free(v);
	}
}

static void test_workdir(void **state)
{
	char *d = NULL, path[256];
	struct stat st;
	FILE *f;

	assert_int_equal(svc_workdir_create(&d), 0);
	assert_int_equal(strncmp(d, SVC_WORKDIR_PREFIX, strlen(SVC_WORKDIR_PREFIX)), 0);
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	snprintf(path, sizeof(path), "%s/data/base", d);
	snprintf(path, sizeof(path), "%s/data", d);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/data/PG_VERSION", d);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	/* a link out of the workdir is removed, not followed */
	snprintf(path, sizeof(path), "%s/etc", d);
	assert_int_equal(symlink("/etc", path), 0);
	assert_int_equal(svc_workdir_remove(d), 0);
	assert_int_equal(stat(d, &st), -1);
	assert_int_equal(stat("/etc/passwd", &st), 0);
	assert_int_equal(svc_workdir_remove(d), 0); /* gone already */
	/* never anything but a workdir */
	assert_int_equal(svc_workdir_remove("/etc"), -EINVAL);
	assert_int_equal(svc_workdir_remove(SVC_WORKDIR_PREFIX "x/../../etc"), -EINVAL);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_workdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
