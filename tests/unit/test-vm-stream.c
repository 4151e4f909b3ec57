// SPDX-License-Identifier: MIT
/*
 * The ttyS1 result stream: a capture from a real guest (Debian
 * 6.1.0-56-cloud-amd64 under TCG, profiles/vm/negative-adj.ini) and the
 * ways a guest can fail half way (cut short, corrupted, console noise).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

#define CAPTURE "tests/fixtures/vm/ttyS1-6.1.0-56-negative-adj.txt"

static void test_base64(void **state)
{
	char *out;
	size_t n;

	assert_int_equal(vm_base64_decode("aGVsbG8=", 8, &out, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(out, "hello");
	free(out);
	/* line breaks and \r\n (onlcr) anywhere */
	assert_int_equal(vm_base64_decode("aGVs\r\nbG8h\n", 11, &out, &n), 0);
	assert_string_equal(out, "hello!");
	free(out);
	assert_int_equal(vm_base64_decode("", 0, &out, &n), 0);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(vm_base64_decode("aGV*bG8=", 8, &out, &n), -EINVAL);
	assert_int_equal(vm_base64_decode("aGVsbG8=a", 9, &out, &n), -EINVAL);
	/* a lone 6-bit group cannot be a byte */
	assert_int_equal(vm_base64_decode("aGVsb", 5, &out, &n), -EINVAL);
}

static void test_capture(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct vm_stream *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_int_equal(read_file_str(CAPTURE, &text), 0);
	assert_int_equal(vm_stream_parse(text, strlen(text), s), 0);
	assert_true(s->begun);
	assert_string_equal(s->kernel, "6.1.0-56-cloud-amd64");
	assert_true(s->done);
	assert_int_equal(s->done_rc, 0);
	assert_int_equal(s->n, 1);
	assert_true(s->res[0].complete);
	assert_int_equal(s->res[0].index, 0);
	assert_int_equal(s->res[0].rc, 0);
	assert_int_equal(s->res[0].len, 4262);
	assert_string_equal(s->res[0].file,
			    "negative-adj-6.1.0-56-cloud-amd64-20261121-235538-95.json");
	assert_non_null(strstr(s->res[0].json, "\"profile\": \"profiles/vm/negative-adj.ini\""));
	vm_stream_free(s);
	free(s);
}

/* The guest died in the middle of a body: no result, no end marker. */
static void test_cut_short(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct vm_stream *s = calloc(1, sizeof(*s));
	char *mid;

	assert_int_equal(read_file_str(CAPTURE, &text), 0);
	mid = strstr(text, "@@END");
	assert_non_null(mid);
	*(mid - 200) = '\0';
	assert_int_equal(vm_stream_parse(text, strlen(text), s), 0);
	assert_true(s->begun);
	assert_false(s->done);
	assert_int_equal(s->n, 1);
	assert_false(s->res[0].complete);
	assert_null(s->res[0].json);
	vm_stream_free(s);
	free(s);
}

static void test_length_mismatch_and_noise(void **state)
{
	const char *t = "garbage before\r\n"
			"\x1b[0m@@OOMLAB-BEGIN 6.1.0-test\r\n"
			"@@OOMLAB-RESULT 0 1 a.json 6\r\n"
			"aGVsbG8=\r\n" /* 5 bytes, header says 6 */
			"@@END\r\n"
			"@@OOMLAB-RESULT 1 77 - 0\r\n"
			"@@END\r\n"
			"@@OOMLAB-RESULT 2 0 ../../etc/passwd 5\r\n"
			"aGVsbG8=\r\n"
			"@@END\r\n"
			"@@OOMLAB-DONE 2\r\n";
	struct vm_stream *s = calloc(1, sizeof(*s));

	assert_int_equal(vm_stream_parse(t, strlen(t), s), 0);
	assert_string_equal(s->kernel, "6.1.0-test");
	assert_int_equal(s->n, 3);
	assert_false(s->res[0].complete);
	assert_true(s->res[1].complete);
	assert_int_equal(s->res[1].rc, 77);
	assert_null(s->res[1].json);
	/* a name with a directory never reaches the host's results dir */
	assert_string_equal(s->res[2].file, "-");
	assert_true(s->done);
	assert_int_equal(s->done_rc, 2);
	vm_stream_free(s);
	free(s);
}

static void test_no_marker(void **state)
{
	const char *t = "[    3.894021] Kernel panic - not syncing: Out of memory\n";
	struct vm_stream *s = calloc(1, sizeof(*s));

	assert_int_equal(vm_stream_parse(t, strlen(t), s), 0);
	assert_false(s->begun);
	assert_false(s->done);
	assert_int_equal(s->n, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),	  cmocka_unit_test(test_capture),
		cmocka_unit_test(test_cut_short), cmocka_unit_test(test_length_mismatch_and_noise),
		cmocka_unit_test(test_no_marker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
