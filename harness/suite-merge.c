// SPDX-License-Identifier: MIT
/*
 * oomlab suite: the result documents the jobs wrote. The suite trusts
 * the documents, not the jobs' exit codes: a job's exit code is the worst
 * of its profiles (a VM job runs several), and an interrupted run writes
 * no document at all.
 */
#include <dirent.h>
#include <jansson.h>
#include <string.h>

#include "suite.h"
#include "util.h"

static char *dup_str(json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s ? strdup(s) : NULL;
}

int suite_doc_read(const char *path, struct suite_doc *ret)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	struct suite_doc d = { .v = OUTCOME_BROK };
	const char *v;

	if (!doc)
		return -EINVAL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return -EINVAL;
	}
	/* results.c writes "verdict": "pass" | "fail" | "broken" | "skip" */
	v = json_string_value(json_object_get(doc, "verdict"));
	if (!v || outcome_parse(v, &d.v) < 0)
		d.v = OUTCOME_BROK;
	d.profile = dup_str(doc, "profile");
	d.kernel = dup_str(doc, "kernel");
	d.reason = dup_str(doc, "reason");
	d.wall_ms = json_number_value(json_object_get(doc, "wall_ms"));
	json_decref(doc);
	*ret = d;
	return 0;
}

void suite_doc_free(struct suite_doc *d)
{
	free(d->profile);
	free(d->kernel);
	free(d->reason);
	memset(d, 0, sizeof(*d));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int suite_list_docs(const char *dir, char ***ret, unsigned *ret_n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	unsigned n = 0;
	int e = 0;

	if (!d) {
		if (errno != ENOENT)
			return -errno;
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			e = -ENOMEM;
			break;
		}
		v = nv;
		if (asprintf(&v[n], "%s/%s", dir, de->d_name) < 0) {
			e = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (e < 0) {
		for (unsigned i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return e;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*ret = v;
	*ret_n = n;
	return 0;
}
