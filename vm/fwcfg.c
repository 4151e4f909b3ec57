// SPDX-License-Identifier: MIT
/*
 * oomlab-fwcfg: the guest's reader of QEMU's fw_cfg files (x86 I/O ports
 * 0x510/0x511, no driver: the cloud kernels build qemu_fw_cfg as a module,
 * and a module loaded at boot would list the files of the boot's QEMU, not
 * of the QEMU that restored the guest from a snapshot).
 *
 *   oomlab-fwcfg [--wait [--ready FILE]] [--clock NAME] [--seed NAME] NAME
 *                                                NAME's content to stdout
 *   oomlab-fwcfg --raw-dir                       the directory
 *
 * --wait: poll the directory every millisecond until NAME is in it. A
 * guest booted to be snapshotted waits here, and goes on once restored by
 * a QEMU that has the file. --ready FILE: if NAME is not there at once
 * (a boot to be snapshotted), first zero the guest's free memory (fault it
 * in and release it: the boot leaves ~60 MB of freed, dirty pages, and a
 * snapshot skips zero pages), then write "@@OOMLAB-SNAP" to FILE (ttyS1:
 * the host saves the machine when it reads it) and wait. --clock: CLOCK_REALTIME from NAME
 * ("SECONDS.NANOSECONDS", the host's clock when it started QEMU): a
 * restored guest's clock is the snapshot's. --seed: NAME's bytes into
 * /dev/urandom, so that restored guests do not share one random stream.
 *
 * Built static (no ld.so under TCG: an exec of a dynamic binary costs
 * milliseconds there). Exit 0, or 1 with the reason on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fwcfg.h"

#define MAX_FILES 4096

static void sel(uint16_t key)
{
	outw(key, FWCFG_PORT_SEL);
}

static void get(void *buf, size_t n)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < n; i++)
		p[i] = inb(FWCFG_PORT_DATA);
}

/* The directory blob, count included; NULL on a short read. */
static unsigned char *read_dir(size_t *ret_len)
{
	unsigned char c[4], *buf;
	uint32_t n;

	sel(FWCFG_FILE_DIR);
	get(c, 4);
	n = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
	if (n > MAX_FILES)
		return NULL;
	*ret_len = 4 + (size_t)n * FWCFG_DIR_ENTRY;
	buf = malloc(*ret_len);
	if (!buf)
		return NULL;
	memcpy(buf, c, 4);
	get(buf + 4, *ret_len - 4);
	return buf;
}

/*
 * NAME's entry. The directory is read twice and must agree: a snapshot
 * can stop the guest halfway through a read, and the restoring QEMU goes
 * on from the same offset of its own directory (fw_cfg migrates its read
 * position, not its files).
 */
static int find(const char *name, struct fwcfg_file *ret)
{
	static struct fwcfg_file f[MAX_FILES];
	unsigned char *a, *b;
	size_t la, lb;
	unsigned n;
	int found = 0;

	a = read_dir(&la);
	b = read_dir(&lb);
	if (a && b && la == lb && !memcmp(a, b, la) &&
	    fwcfg_dir_parse(a, la, f, MAX_FILES, &n) == 0) {
		const struct fwcfg_file *x = fwcfg_dir_find(f, n < MAX_FILES ? n : MAX_FILES, name);

		if (x) {
			*ret = *x;
			found = 1;
		}
	}
	free(a);
	free(b);
	return found;
}

static unsigned char *read_file(const char *name, size_t *ret_len)
{
	struct fwcfg_file f;
	unsigned char *buf;

	if (!find(name, &f))
		return NULL;
	buf = malloc((size_t)f.size + 1);
	if (!buf)
		return NULL;
	sel(f.select);
	get(buf, f.size);
	buf[f.size] = '\0';
	*ret_len = f.size;
	return buf;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int set_clock(const char *name)
{
	size_t len;
	unsigned char *t = read_file(name, &len);
	struct timespec ts = { 0 };
	long long sec;
	long nsec;
	int ok;

	ok = t && sscanf((char *)t, "%lld.%ld", &sec, &nsec) == 2 && nsec >= 0 &&
	     nsec < 1000000000L;
	if (ok) {
		ts.tv_sec = (time_t)sec;
		ts.tv_nsec = nsec;
		ok = clock_settime(CLOCK_REALTIME, &ts) == 0;
	}
	free(t);
	if (!ok)
		fprintf(stderr, "oomlab-fwcfg: cannot set the clock from %s\n", name);
	return ok ? 0 : -1;
}

static int seed(const char *name)
{
	size_t len;
	unsigned char *s = read_file(name, &len);
	int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC), r = -1;

	if (s && fd >= 0)
		r = write_all(fd, s, len);
	if (fd >= 0)
		close(fd);
	free(s);
	if (r < 0)
		fprintf(stderr, "oomlab-fwcfg: cannot seed /dev/urandom from %s\n", name);
	return r;
}

static unsigned long long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	size_t kl = strlen(key);
	unsigned long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && sscanf(line + kl, " %llu", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * Most of the free memory faulted in (the kernel clears each page it hands
 * out; we write zeros, which keep them so) and unmapped: those free pages
 * are zero now. 4 MiB at a time while MemAvailable stays above 64 MiB:
 * MemFree counts pages no user allocation may take (watermarks, the DMA
 * zone's lowmem reserve), and taking them OOM-killed this process on a
 * 416 MiB guest of 6.12.
 */
#define ZERO_CHUNK (4UL << 20)
#define ZERO_KEEP_KB (64ULL << 10)

static void zero_free_memory(void)
{
	unsigned long long free_kb = meminfo_kb("MemFree:");
	size_t len = (size_t)free_kb * 1024, done = 0;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (!len)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		 0);
	if (p == MAP_FAILED)
		return;
	while (done + ZERO_CHUNK <= len && meminfo_kb("MemAvailable:") > ZERO_KEEP_KB) {
		for (size_t o = 0; o < ZERO_CHUNK; o += (size_t)page)
			((volatile char *)p)[done + o] = 0;
		done += ZERO_CHUNK;
	}
	munmap(p, len);
}

static void usage(void)
{
	fputs("usage: oomlab-fwcfg [--wait [--ready FILE]] [--clock NAME] [--seed NAME] NAME\n"
	      "       oomlab-fwcfg --raw-dir\n",
	      stderr);
	exit(1);
}

int main(int argc, char **argv)
{
	const char *clock_name = NULL, *seed_name = NULL, *name = NULL, *ready = NULL;
	int wait = 0, raw = 0;
	unsigned char *buf;
	size_t len = 0;
	char sig[4];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait"))
			wait = 1;
		else if (!strcmp(argv[i], "--raw-dir"))
			raw = 1;
		else if (!strcmp(argv[i], "--clock") && i + 1 < argc)
			clock_name = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed_name = argv[++i];
		else if (!strcmp(argv[i], "--ready") && i + 1 < argc)
			ready = argv[++i];
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			usage();
	}
	if (!name && !raw)
		usage();
	if (ioperm(FWCFG_PORT_SEL, 2, 1) < 0) {
		fprintf(stderr, "oomlab-fwcfg: ioperm: %s\n", strerror(errno));
		return 1;
	}
	sel(FWCFG_SIGNATURE);
	get(sig, 4);
	if (memcmp(sig, "QEMU", 4)) {
		fputs("oomlab-fwcfg: no fw_cfg device (signature is not QEMU)\n", stderr);
		return 1;
	}
	if (raw) {
		buf = read_dir(&len);
		return buf && write_all(1, buf, len) == 0 ? 0 : 1;
	}
	for (int first = 1;; first = 0) {
		struct fwcfg_file f;
		struct timespec ms = { 0, 1000000 };

		if (find(name, &f) || !wait)
			break;
		if (first && ready) {
			int fd;

			zero_free_memory();
			fd = open(ready, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			if (fd < 0 ||
			    write_all(fd, (const unsigned char *)"@@OOMLAB-SNAP\n", 14) < 0) {
				fprintf(stderr, "oomlab-fwcfg: cannot write to %s\n", ready);
				return 1;
			}
			close(fd);
		}
		nanosleep(&ms, NULL);
	}
	if (clock_name && set_clock(clock_name) < 0)
		return 1;
	if (seed_name && seed(seed_name) < 0)
		return 1;
	buf = read_file(name, &len);
	if (!buf) {
		fprintf(stderr, "oomlab-fwcfg: no fw_cfg file %s\n", name);
		return 1;
	}
	return write_all(1, buf, len) == 0 ? 0 : 1;
}
