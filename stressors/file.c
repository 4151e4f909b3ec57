// SPDX-License-Identifier: MIT
/*
 * file: page cache. Write --size bytes to a file in --dir, then read it
 * back, and keep the fd open so the cache stays charged to our memcg.
 *
 * The file has no name while we hold it (O_TMPFILE, else mkstemp+unlink at
 * once): an OOM-killed worker cannot unlink at exit, and a leftover file on
 * a tmpfs $TMPDIR would pin shmem in the memcg for good. Its cache lives
 * until the last close, i.e. until we exit. No per-page fault timing here:
 * the kernel fills the cache inside write().
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "worker.h"

#define BUF_SIZE MIB

struct file_state {
	const struct worker_opts *o;
	int fd;
	char *buf;
};

static int open_unnamed(const char *dir, int *ret_fd)
{
	_cleanup_free_ char *tmpl = NULL;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}
	/* O_TMPFILE needs >= 3.11 and filesystem support */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	if (asprintf(&tmpl, "%s/oomlab-file.XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(tmpl);
	*ret_fd = fd;
	return 0;
}

/*
 * Pass over the file, writing or reading, adding to bytes_touched if
 * count; 0, -EINTR, or -errno (slot failed).
 */
static int pass(struct file_state *f, bool write_it, bool count)
{
	const struct worker_opts *o = f->o;
	uint64_t t0 = now_ns(), off = 0;

	while (off < o->size) {
		size_t len = o->size - off < BUF_SIZE ? (size_t)(o->size - off) : BUF_SIZE;
		ssize_t n = write_it ? pwrite(f->fd, f->buf, len, (off_t)off)
				     : pread(f->fd, f->buf, len, (off_t)off);

		if (n < 0 && errno == EINTR && !worker_stopped(o->slot))
			continue;
		if (n < 0 || (n == 0 && write_it)) {
			int r = n < 0 ? -errno : -ENOSPC;

			if (r == -EINTR)
				return r;
			slot_fail(o->slot, r);
			return r;
		}
		if (n == 0) /* short file: someone truncated it */
			return -EIO;
		off += (uint64_t)n;
		if (count)
			slot_add_bytes(o->slot, n);
		progress(o);
		if (worker_stopped(o->slot))
			return -EINTR;
		ramp_wait(o, t0, off);
	}
	return 0;
}

static void retouch(void *arg)
{
	struct file_state *f = arg;

	/* dirty pages cannot be dropped: write them back first */
	fdatasync(f->fd);
	posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
	slot_add_bytes(f->o->slot, -(int64_t)f->o->size);
	pass(f, false, true);
}

static int file_run(const struct worker_opts *o)
{
	struct file_state f = { .o = o, .fd = -1 };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	r = open_unnamed(o->dir, &fd);
	if (r < 0)
		return r;
	buf = malloc(BUF_SIZE);
	if (!buf) {
		slot_fail(o->slot, ENOMEM);
		return -ENOMEM;
	}
	/* non-zero data: nothing may turn it into holes or zero pages */
	memset(buf, 0x5a, BUF_SIZE);
	f.fd = fd;
	f.buf = buf;
	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	r = pass(&f, true, true);
	if (r < 0)
		return r;
	r = pass(&f, false, false);
	if (r < 0)
		return r;
	return hold_phase(o, retouch, &f);
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_file = {
	.run = file_run,
};
