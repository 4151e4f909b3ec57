// SPDX-License-Identifier: MIT
/*
 * GNU parallel's --joblog: a header line, then one tab-separated line per
 * finished job: Seq Host Starttime JobRuntime Send Receive Exitval Signal
 * Command. With --retries only the last attempt is logged; a job still
 * running when parallel was killed is not logged at all, which is what
 * --resume relies on.
 */
#include <string.h>

#include "suite.h"
#include "util.h"

/* The next tab-separated field of *s, NUL-terminated in place. */
static char *field(char **s)
{
	char *f = *s, *t;

	if (!f)
		return NULL;
	t = strchr(f, '\t');
	if (t) {
		*t = '\0';
		*s = t + 1;
	} else {
		*s = NULL;
	}
	return f;
}

static int parse_line(char *line, struct suite_job *ret)
{
	struct suite_job j = { 0 };
	char *f[8], *end;
	long l;

	for (unsigned i = 0; i < ARRAY_SIZE(f); i++)
		if (!(f[i] = field(&line)))
			return -EINVAL;
	/* the Command field must be there: a line cut short has no tab before it */
	if (!line)
		return -EINVAL;
	while (*f[0] == ' ')
		f[0]++;
	if (parse_int(f[0], 1, 100000000, &l) < 0)
		return -EINVAL;
	j.seq = (unsigned)l;
	snprintf(j.host, sizeof(j.host), "%s", f[1]);
	errno = 0;
	j.start = strtod(f[2], &end);
	if (errno || end == f[2])
		return -EINVAL;
	j.runtime = strtod(f[3], &end);
	if (errno || end == f[3])
		return -EINVAL;
	if (parse_int(f[6], -1, 255, &l) < 0)
		return -EINVAL;
	j.exitval = (int)l;
	if (parse_int(f[7], 0, 255, &l) < 0)
		return -EINVAL;
	j.signal = (int)l;
	*ret = j;
	return 0;
}

int suite_joblog_parse(const char *text, struct suite_job **ret, unsigned *ret_n)
{
	_cleanup_free_ char *copy = strdup(text);
	struct suite_job *v = NULL;
	unsigned n = 0;
	char *save, *line;

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct suite_job j, *nv;

		if (!strncmp(line, "Seq\t", 4) || parse_line(line, &j) < 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		v[n++] = j;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
