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
/* Write atomically; path NULL = <profile>-<kernel>-<time>-<pid>.json
 * under dir (default results), with -2, -3, ... before .json if that name
 * is taken: a result never overwrites another. path given: replaced.
 * ret_path (may be NULL) gets the path written. */
int results_write_json(const struct run *r, const char *dir, const char *path, char **ret_path);
/* A JSON document that came whole (from a guest) as dir/name, under the
 * same never-overwrite rule. */
int results_write_json_doc(const char *dir, const char *name, const char *json, size_t len,
			   char **ret_path);
void results_print_table(const struct run *r, FILE *out);
/* TAP / JUnit over several runs. */
void results_print_tap(struct run *const *runs, unsigned n, FILE *out);
int results_write_junit(struct run *const *runs, unsigned n, const char *path);

#endif
