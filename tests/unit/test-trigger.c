// SPDX-License-Identifier: MIT
/* trigger: the table the profile parser, the needs table and the runner read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"
#include "trigger.h"
#include "util.h"

static void test_table(void **state)
{
	static const struct {
		enum trigger_kind kind;
		const char *name;
		bool vm, memcg;
	} want[] = {
		{ TRIGGER_PRESSURE, "pressure", false, true },
		{ TRIGGER_LIMIT, "limit", false, true },
		{ TRIGGER_GLOBAL, "global", true, false },
		{ TRIGGER_SYSRQ, "sysrq", true, false },
	};

	assert_true(ntriggers >= ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct trigger *t = triggers[want[i].kind];
		unsigned idx = 99;

		assert_string_equal(t->name, want[i].name);
		assert_int_equal(t->needs_vm, want[i].vm);
		assert_int_equal(t->needs_memcg, want[i].memcg);
		/* a global OOM has no memcg, and every trigger can start */
		assert_false(t->needs_vm && t->needs_memcg);
		assert_non_null(t->start);
		assert_ptr_equal(trigger_find(want[i].name, &idx), t);
		assert_int_equal(idx, want[i].kind);
		assert_string_equal(trigger_name(want[i].kind), want[i].name);
	}
	assert_null(trigger_find("panic", NULL));
}

static void test_names_unique(void **state)
{
	for (unsigned i = 0; i < ntriggers; i++)
		for (unsigned j = i + 1; j < ntriggers; j++)
			assert_string_not_equal(triggers[i]->name, triggers[j]->name);
}

/* The profile stores the index; out of range falls back to pressure. */
static void test_of(void **state)
{
	struct profile p = { .trigger = TRIGGER_SYSRQ };

	assert_ptr_equal(trigger_of(&p), triggers[TRIGGER_SYSRQ]);
	p.trigger = (enum trigger_kind)ntriggers;
	assert_ptr_equal(trigger_of(&p), triggers[TRIGGER_PRESSURE]);
	assert_string_equal(trigger_name((enum trigger_kind)ntriggers), "unknown");
}

/* The parser reads the table: the error lists every trigger there is. */
static void test_profile_reads_table(void **state)
{
	struct profile_error e;
	struct profile *p = NULL;

	assert_int_equal(profile_parse_string("t.ini",
					      "[profile]\nmemory_limit = 64M\n"
					      "trigger = limit\n[worker a]\nsize = 1M\n",
					      &p, &e),
			 0);
	assert_int_equal(p->trigger, TRIGGER_LIMIT);
	profile_free(p);
	assert_int_equal(profile_parse_string("t.ini",
					      "[profile]\ntrigger = panic\n"
					      "[worker a]\nsize = 1M\n",
					      &p, &e),
			 -EINVAL);
	for (unsigned i = 0; i < ntriggers; i++)
		assert_non_null(strstr(e.msg, triggers[i]->name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_of),
		cmocka_unit_test(test_profile_reads_table),
	};

	return cmocka_run_group_tests_name("trigger", tests, NULL, NULL);
}
