// SPDX-License-Identifier: MIT
/*
 * The pattern table, linked into oomlab and oomlab-worker: adding a pattern
 * is one file (stressors/NAME.c, exporting `const struct pattern
 * pattern_ID`) and one line in PATTERNS below.
 *
 * Each line is X(ID, name, options, flags, help). The reference to
 * pattern_ID is weak: oomlab links this table without the pattern files,
 * where it resolves to NULL; oomlab-worker links them all, and refuses to
 * run a pattern whose half is missing (see stressors/main.c).
 */
#include <string.h>

#include "util.h"
#include "pattern.h"

#define SCORE PATTERN_F_SCOREBOARD
#define CYCLES PATTERN_OPT_CYCLES

#define PATTERNS(X)                                                                               \
	X(page_touch, "page-touch", CYCLES, SCORE,                                                \
	  "malloc 4 KiB chunks, write the first bytes of each (the classic mem.c)")               \
	X(mmap, "mmap", CYCLES, SCORE, "one anonymous mapping, touch every page")                 \
	X(populate, "populate", CYCLES, SCORE,                                                    \
	  "one anonymous mapping with MAP_POPULATE (bytes reported once done)")                   \
	X(thp, "thp", CYCLES, SCORE,                                                              \
	  "2 MiB aligned mapping with MADV_HUGEPAGE, touch (times one fault per 2 MiB)")          \
	X(file, "file", CYCLES | PATTERN_OPT_DIR, SCORE | PATTERN_F_PAGE_CACHE,                   \
	  "page cache: write then read a file in --dir (unnamed while held)")                     \
	X(shmem, "shmem", CYCLES, SCORE | PATTERN_F_SHMEM,                                        \
	  "memfd pages, mapped shared and touched")                                               \
	X(mlock, "mlock", CYCLES, SCORE | PATTERN_F_MLOCKED,                                      \
	  "anonymous pages locked on fault (mlock failure reported as ALLOC_FAILED)")             \
	X(fork_tree, "fork-tree", CYCLES | PATTERN_OPT_CHILDREN | PATTERN_OPT_PARENT_SIZE, SCORE, \
	  "parent holds --parent-size, --children N hold the rest of --size")                     \
	X(shared_mm, "shared-mm", PATTERN_OPT_CHILDREN, SCORE | PATTERN_F_SHARED_MM,              \
	  "hold --size, shared by --children N clone(CLONE_VM) processes")                        \
	X(init, "init", PATTERN_OPT_COMMAND, SCORE | PATTERN_F_INTERNAL,                          \
	  "hold --size and run the command after -- as a child, reaping orphans (VM PID 1)")      \
	X(pressure, "pressure", PATTERN_OPT_OOM_COUNTER | PATTERN_OPT_CHUNK,                      \
	  SCORE | PATTERN_F_INTERNAL | PATTERN_F_UNBOUNDED,                                       \
	  "OOM trigger: memfd+fallocate (not in rss), pause after each oom_kill")

#define DECLARE(id, name, opts, flags, help) \
	extern const struct pattern pattern_##id __attribute__((weak));
#define ENTRY(id, name_, opts_, flags_, help_) \
	{ .name = name_, .help = help_, .opts = opts_, .flags = flags_, .worker = &pattern_##id },

PATTERNS(DECLARE)

const struct pattern_info pattern_table[] = { PATTERNS(ENTRY) };

const unsigned pattern_count = ARRAY_SIZE(pattern_table);

const struct pattern_info *pattern_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < pattern_count; i++)
		if (!strcmp(pattern_table[i].name, name))
			return &pattern_table[i];
	return NULL;
}

bool pattern_has_flag(const char *name, unsigned flag)
{
	const struct pattern_info *pi = pattern_find(name);

	return pi && (pi->flags & flag);
}

bool pattern_takes(const char *name, unsigned opt)
{
	const struct pattern_info *pi = pattern_find(name);

	return pi && (pi->opts & opt);
}
