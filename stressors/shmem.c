// SPDX-License-Identifier: MIT
/*
 * shmem: a memfd sized to --size, mapped shared and touched. The pages are
 * shmem (RssShmem in /proc/PID/status, "shmem-rss" in the kernel's kill
 * line) and, unlike anon, outlive the mapping until the fd is closed.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

struct shmem_state {
	const struct worker_opts *o;
	int fd;
	char *p;
	uint64_t touched;
};

static void retouch(void *arg)
{
	struct shmem_state *m = arg;

	/* MADV_DONTNEED would only unmap: punching frees the shmem pages */
	fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)m->o->size);
	slot_add_bytes(m->o->slot, -(int64_t)m->touched);
	m->touched = 0;
	touch_range(m->o, m->p, m->o->size, &m->touched);
}

static int shmem_run(const struct worker_opts *o)
{
	struct shmem_state m = { .o = o };
	_cleanup_close_ int fd = -1;
	int r;

	fd = memfd_create("oomlab-shmem", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* ftruncate allocates nothing: pages come at first touch */
	if (ftruncate(fd, (off_t)o->size) < 0)
		return -errno;
	m.fd = fd;
	m.p = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m.p == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, r);
		return r;
	}
	return ramp_and_hold(o, m.p, &m.touched, retouch, &m);
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_shmem = {
	.run = shmem_run,
};
