// SPDX-License-Identifier: MIT
/*
 * preflight: the needs table over hand-built machines (struct need_env),
 * so every SKIP reason is checked without root, cgroups or a VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "preflight.h"
#include "profile.h"
#include "runner.h"
#include "util.h"

static struct profile *parse(const char *text)
{
	struct profile_error e;
	struct profile *p = NULL;

	if (profile_parse_string("t.ini", text, &p, &e) < 0) {
		char buf[512];

		fail_msg("%s", profile_error_str(&e, buf, sizeof(buf)));
	}
	return p;
}

/* A roomy v1 host, root, without CAP_SYS_RESOURCE (this machine). */
static struct need_env host(void)
{
	return (struct need_env){
		.euid = 0,
		.cg_probed = true,
		.cg_version = CG_V1,
		.mem_probed = true,
		.mem_total = 24 * GIB,
		.mem_available = 20 * GIB,
	};
}

static const char *unmet(const char *text, const struct need_env *env, bool vm_only, char *buf,
			 size_t len)
{
	struct profile *p = parse(text);
	const struct need *n = needs_unmet(p, env, vm_only, buf, len);

	profile_free(p);
	return n ? n->name : NULL;
}

#define LIMITED "[profile]\nmemory_limit = 64M\n[worker a]\nsize = 10M\n"

static void test_plain_host_ok(void **state)
{
	struct need_env env = host();
	char why[1024];

	assert_null(unmet(LIMITED, &env, false, why, sizeof(why)));
}

static void test_needs_root(void **state)
{
	struct need_env env = host();
	char why[1024];

	env.euid = 1000;
	assert_string_equal(unmet("[profile]\nmemory_limit = 64M\nneeds = root\n[worker a]\n"
				  "size = 10M\n",
				  &env, false, why, sizeof(why)),
			    "root");
	assert_non_null(strstr(why, "needs root"));
	assert_non_null(strstr(why, "uid 1000"));
	assert_null(unmet(LIMITED, &env, false, why, sizeof(why)));
}

static void test_needs_cgroup2(void **state)
{
	static const char text[] = "[profile]\nmemory_limit = 64M\nneeds = cgroup2\n[worker a]\n"
				   "size = 10M\n";
	struct need_env env = host();
	char why[1024];

	assert_string_equal(unmet(text, &env, false, why, sizeof(why)), "cgroup2");
	assert_non_null(strstr(why, "cgroup v2"));
	env.cg_version = CG_V2;
	assert_null(unmet(text, &env, false, why, sizeof(why)));
}

static void test_no_memcg(void **state)
{
	struct need_env env = host();
	char why[1024];

	env.cg_err = -ENOENT;
	assert_string_equal(unmet(LIMITED, &env, false, why, sizeof(why)), "memcg");
	assert_non_null(strstr(why, "no memory cgroup controller"));
}

static void test_oom_group_v1(void **state)
{
	static const char text[] = "[profile]\nmemory_limit = 64M\noom_group = 1\n[worker a]\n"
				   "size = 10M\n";
	struct need_env env = host();
	char why[1024];

	assert_string_equal(unmet(text, &env, false, why, sizeof(why)), "oom_group");
	assert_non_null(strstr(why, "memory.oom.group"));
	env.cg_version = CG_V2;
	assert_null(unmet(text, &env, false, why, sizeof(why)));
}

/* [group] knobs v1 lacks (issue 8): SKIP with the group, key and file. */
static void test_group_knobs_v1(void **state)
{
	static const char text[] = "[profile]\nmemory_limit = 64M\n[group pod]\nMemoryMax = 32M\n"
				   "[group safe]\nmemory_low = 8M\n[worker a]\nsize = 10M\n"
				   "group = safe\n";
	struct need_env env = host();
	char why[1024];

	assert_string_equal(unmet(text, &env, false, why, sizeof(why)), "group knobs");
	assert_string_equal(why, "group safe sets memory_low (memory.low), which this machine's "
				 "memory controller (cgroup v1) lacks: run it in a VM (oomlab vm "
				 "run t.ini)");
	env.cg_version = CG_V2;
	assert_null(unmet(text, &env, false, why, sizeof(why)));
	/* a limit alone is v1's too */
	env.cg_version = CG_V1;
	assert_null(unmet("[profile]\nmemory_limit = 64M\n[group pod]\nMemoryMax = 32M\n"
			  "[worker a]\nsize = 10M\ngroup = pod\n",
			  &env, false, why, sizeof(why)));
}

/* Issue 7 defect 1: memory_limit = 1T on a 24G machine. */
static void test_host_memory_too_big(void **state)
{
	struct need_env env = host();
	char why[1024];

	assert_string_equal(unmet("[profile]\nmemory_limit = 1T\n[worker a]\nsize = 50M\n", &env,
				  false, why, sizeof(why)),
			    "host memory");
	assert_non_null(strstr(why, "memory_limit = 1024.0G"));
	assert_non_null(strstr(why, "MemAvailable is 20.0G"));
	assert_non_null(strstr(why, "2.0G safety margin")); /* 10% of 20G */
	assert_non_null(strstr(why, "leaves 18.0G"));
	/* 18G fits, 18G + 1M does not */
	assert_null(unmet("[profile]\nmemory_limit = 18G\n[worker a]\nsize = 50M\n", &env, false,
			  why, sizeof(why)));
	assert_non_null(unmet("[profile]\nmemory_limit = 18433M\n[worker a]\nsize = 50M\n", &env,
			      false, why, sizeof(why)));
	/* a small machine keeps at least 512M */
	env.mem_available = 1 * GIB;
	assert_non_null(unmet("[profile]\nmemory_limit = 600M\n[worker a]\nsize = 50M\n", &env,
			      false, why, sizeof(why)));
	assert_non_null(strstr(why, "512.0M safety margin"));
	assert_null(unmet("[profile]\nmemory_limit = 512M\n[worker a]\nsize = 50M\n", &env, false,
			  why, sizeof(why)));
	/* unreadable figures: refuse, saying so */
	env.mem_err = -ENOENT;
	assert_non_null(unmet(LIMITED, &env, false, why, sizeof(why)));
	assert_non_null(strstr(why, "cannot tell"));
	/* a VM guest is not the host */
	env.in_vm = true;
	assert_null(unmet(LIMITED, &env, false, why, sizeof(why)));
}

/* The effective limit: a memcg above ours with 1G free under a 2G limit. */
static void test_host_memory_ancestor(void **state)
{
	struct need_env env = host();
	char why[1024];

	env.bound = (struct hostmem_bound){ .limited = true,
					    .dir = "/sys/fs/cgroup/memory/box",
					    .limit = 2 * GIB,
					    .usage = 1 * GIB };
	assert_string_equal(unmet("[profile]\nmemory_limit = 600M\n[worker a]\nsize = 50M\n", &env,
				  false, why, sizeof(why)),
			    "host memory");
	assert_non_null(strstr(why, "/sys/fs/cgroup/memory/box"));
	assert_non_null(strstr(why, "1.0G free under its 2.0G limit"));
	assert_null(unmet("[profile]\nmemory_limit = 512M\n[worker a]\nsize = 50M\n", &env, false,
			  why, sizeof(why)));
}

/* What a VM gives: the host SKIPs, claims --vm boots a guest. */
static void test_vm_remedies(void **state)
{
	static const struct {
		const char *text, *need, *says;
	} cases[] = {
		{ "[profile]\ntrigger = global\n[worker a]\nsize = 1M\n", "global trigger",
		  "causes a global OOM" },
		{ "[profile]\ntrigger = sysrq\n[worker a]\nsize = 1M\n", "global trigger",
		  "trigger = sysrq" },
		{ "[profile]\nmemory_limit = 64M\nneeds = vm\n[worker a]\nsize = 1M\n", "vm",
		  "needs = vm" },
		{ "[profile]\nmemory_limit = 64M\nsysctl.vm.oom_kill_allocating_task = 1\n"
		  "[worker a]\nsize = 1M\n",
		  "sysctls", "sysctl vm.oom_kill_allocating_task" },
		{ "[profile]\nmemory_limit = 64M\nswap = 64M\n[worker a]\nsize = 1M\n", "swap",
		  "zram" },
		{ "[profile]\nmemory_limit = 64M\n[worker a]\nsize = 1M\noom_score_adj = -5\n",
		  "negative adj", "CAP_SYS_RESOURCE" },
	};
	char why[1024];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct need_env env = host();
		const char *n = unmet(cases[i].text, &env, true, why, sizeof(why));

		print_message("  %s\n", cases[i].need);
		assert_non_null(n);
		assert_string_equal(n, cases[i].need);
		assert_non_null(strstr(why, cases[i].says));
		/* in a guest with full capabilities, all met */
		env.in_vm = true;
		env.can_lower_adj = true;
		assert_null(unmet(cases[i].text, &env, true, why, sizeof(why)));
	}
}

/* runner_vm_only is the walk over the same table (claims --vm). */
static void test_runner_vm_only(void **state)
{
	struct profile *p = parse("[profile]\ntrigger = global\n[worker a]\nsize = 1M\n");
	char why[512];

	assert_non_null(runner_vm_only(p, why, sizeof(why)));
	assert_non_null(strstr(why, "global OOM"));
	profile_free(p);
	p = parse(LIMITED);
	assert_null(runner_vm_only(p, why, sizeof(why)));
	profile_free(p);
}

static void test_margin(void **state)
{
	assert_int_equal(hostmem_margin(1 * GIB), 512 * MIB);
	assert_int_equal(hostmem_margin(20 * GIB), 2 * GIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_host_ok),
		cmocka_unit_test(test_needs_root),
		cmocka_unit_test(test_needs_cgroup2),
		cmocka_unit_test(test_no_memcg),
		cmocka_unit_test(test_oom_group_v1),
		cmocka_unit_test(test_host_memory_too_big),
		cmocka_unit_test(test_host_memory_ancestor),
		cmocka_unit_test(test_vm_remedies),
		cmocka_unit_test(test_runner_vm_only),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_group_knobs_v1),
	};

	return cmocka_run_group_tests_name("preflight", tests, NULL, NULL);
}
