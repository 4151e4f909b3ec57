// SPDX-License-Identifier: MIT
/*
 * The live status line (progress.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

void progress_init(struct progress *p, int fd)
{
	*p = (struct progress){ .fd = fd, .on = fd >= 0 && isatty(fd), .every_ns = 100000000ULL };
}

size_t progress_format(char *buf, size_t len, const char *stage, const char *phase, uint64_t usage,
		       uint64_t limit, unsigned kills, uint64_t elapsed_ns)
{
	char u[16], l[16];
	int n;

	format_size(usage, u);
	if (limit && limit != UINT64_MAX)
		n = snprintf(buf, len, "%-7s %-11s usage %s/%s  kills %u  %.1f s", stage,
			     phase ? phase : "", u, format_size(limit, l), kills,
			     (double)elapsed_ns / 1e9);
	else
		n = snprintf(buf, len, "%-7s %-11s usage %s  kills %u  %.1f s", stage,
			     phase ? phase : "", u, kills, (double)elapsed_ns / 1e9);
	return n < 0 ? 0 : (size_t)n;
}

/* A terminal write that a full pty buffer may cut short: the line is
 * cosmetic, so a short or failed write is left as it is. */
static void put(int fd, const char *s, size_t n)
{
	ssize_t w = write(fd, s, n);

	(void)w;
}

void progress_show(struct progress *p, uint64_t now, const char *line)
{
	char buf[256];
	int n;

	if (!p || !p->on || (p->shown && now - p->last_ns < p->every_ns))
		return;
	/* \r and erase-to-end-of-line: redrawn in place, never scrolled */
	n = snprintf(buf, sizeof(buf), "\r\033[K%s", line);
	if (n > 0)
		put(p->fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	p->shown = true;
	p->last_ns = now;
}

void progress_clear(struct progress *p)
{
	if (!p || !p->on || !p->shown)
		return;
	put(p->fd, "\r\033[K", 4);
	p->shown = false;
}
