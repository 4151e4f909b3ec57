/* SPDX-License-Identifier: MIT */
/*
 * Results: one JSON document per run (jansson), written atomically
 * (temp file in the same directory, fsync, rename); a table on stdout;
 * TAP and JUnit on request.
 */
#ifndef OOMLAB_RESULTS_H
#define OOMLAB_RESULTS_H

#include <stdio.h>

#include "run.h"

/* Build the JSON document of a run. Caller json_decref()s it. */
struct json_t;
struct json_t *results_json(const struct run *r);
/* Write atomically; path NULL = results/<profile>-<kernel>-<time>.json
 * under dir. ret_path (may be NULL) gets the path written. */
int results_write_json(const struct run *r, const char *dir, const char *path,
		       char **ret_path);
void results_print_table(const struct run *r, FILE *out);
/* TAP / JUnit over several runs. */
void results_print_tap(struct run *const *runs, unsigned n, FILE *out);
int results_write_junit(struct run *const *runs, unsigned n, const char *path);

#endif
