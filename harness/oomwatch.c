// SPDX-License-Identifier: MIT
/*
 * The memcg's OOM notification, v1 eventfd or v2 memory.events (oomwatch.h).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "oomwatch.h"
#include "util.h"

struct oomwatch {
	bool v2;
	int fd;	      /* v1: the eventfd; v2: memory.events */
	int ctl_fd;   /* v1: memory.oom_control, kept open while registered */
	uint64_t oom; /* v2: the "oom" count last seen */
	char *events; /* v2: memory.events' path */
};

void oomwatch_close(struct oomwatch *w)
{
	if (!w)
		return;
	/* v1: closing the eventfd unregisters it (the kernel sees POLLHUP) */
	if (w->fd >= 0)
		close(w->fd);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	free(w->events);
	free(w);
}

int oomwatch_fd(const struct oomwatch *w)
{
	return w->fd;
}

short oomwatch_events(const struct oomwatch *w)
{
	return w->v2 ? POLLPRI : POLLIN;
}

static int open_v1(struct oomwatch *w, const char *cgdir)
{
	_cleanup_free_ char *ctl = NULL, *oc = NULL;
	char line[64];
	int r;

	if (asprintf(&oc, "%s/memory.oom_control", cgdir) < 0 ||
	    asprintf(&ctl, "%s/cgroup.event_control", cgdir) < 0)
		return -ENOMEM;
	w->ctl_fd = open(oc, O_RDONLY | O_CLOEXEC);
	if (w->ctl_fd < 0)
		return -errno;
	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->fd < 0)
		return -errno;
	snprintf(line, sizeof(line), "%d %d", w->fd, w->ctl_fd);
	r = write_file_str(ctl, line);
	return r < 0 ? r : 0;
}

static int read_oom(const char *path, uint64_t *ret)
{
	return read_keyed_u64(path, "oom", ret);
}

static int open_v2(struct oomwatch *w, const char *cgdir)
{
	char c;
	int r;

	if (asprintf(&w->events, "%s/memory.events", cgdir) < 0) {
		w->events = NULL;
		return -ENOMEM;
	}
	r = read_oom(w->events, &w->oom);
	if (r < 0)
		return r;
	w->fd = open(w->events, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	/* kernfs: poll() waits for a change only after the file was read */
	if (read(w->fd, &c, 1) < 0)
		return -errno;
	return 0;
}

int oomwatch_open(const char *cgdir, bool v2, struct oomwatch **ret)
{
	struct oomwatch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->v2 = v2;
	w->fd = w->ctl_fd = -1;
	r = v2 ? open_v2(w, cgdir) : open_v1(w, cgdir);
	if (r < 0) {
		oomwatch_close(w);
		return r;
	}
	*ret = w;
	return 0;
}

int oomwatch_check(struct oomwatch *w, uint64_t *ret_n)
{
	uint64_t n = 0, now;
	char buf[256];
	int r;

	if (!w->v2) {
		/* the eventfd's counter: OOMs since the last read */
		if (read(w->fd, &n, sizeof(n)) < 0) {
			if (errno != EAGAIN)
				return -errno;
			n = 0;
		}
		*ret_n = n;
		return 0;
	}
	/* re-arm: read the file from the start, then parse its counters */
	if (lseek(w->fd, 0, SEEK_SET) < 0 || read(w->fd, buf, sizeof(buf)) < 0)
		return -errno;
	r = read_oom(w->events, &now);
	if (r < 0)
		return r;
	*ret_n = now > w->oom ? now - w->oom : 0;
	w->oom = now;
	return 0;
}
