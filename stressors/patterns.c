// SPDX-License-Identifier: MIT
/* The pattern table: adding a pattern is one file and one line here. */
#include <string.h>

#include "util.h"
#include "pattern.h"

extern const struct pattern pattern_page_touch, pattern_mmap, pattern_populate,
	pattern_thp, pattern_file, pattern_shmem, pattern_mlock, pattern_fork_tree,
	pattern_shared_mm, pattern_init, pattern_pressure;

const struct pattern *const pattern_table[] = {
	&pattern_page_touch,
	&pattern_mmap,
	&pattern_populate,
	&pattern_thp,
	&pattern_file,
	&pattern_shmem,
	&pattern_mlock,
	&pattern_fork_tree,
	&pattern_shared_mm,
	&pattern_init,
	&pattern_pressure,
};

const unsigned pattern_count = ARRAY_SIZE(pattern_table);

const struct pattern *pattern_find(const char *name)
{
	for (unsigned i = 0; i < pattern_count; i++)
		if (!strcmp(pattern_table[i]->name, name))
			return pattern_table[i];
	return NULL;
}
