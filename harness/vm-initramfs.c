// SPDX-License-Identifier: MIT
/*
 * The guest's initramfs, written by the harness itself as a cpio "newc"
 * archive (Documentation/driver-api/early-userspace/buffer-format.rst):
 * no root needed for device nodes, no cpio tool, no staging directory.
 *
 * It is left uncompressed on purpose: it is a few MiB, QEMU hands it to
 * the kernel from host memory, and under TCG gunzip in the guest costs
 * more than it saves (the kernel unpacks an uncompressed archive as is).
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "child.h"
#include "fileio.h"
#include "util.h"
#include "vm.h"

struct cpio {
	FILE *f;
	unsigned ino;
	unsigned ndirs;
	char **dirs; /* directories already written */
	int err;     /* first write error, sticky */
};

int cpio_new(int fd, struct cpio **ret)
{
	struct cpio *c = calloc(1, sizeof(*c));
	int d;

	if (!c)
		return -ENOMEM;
	d = dup(fd);
	if (d < 0 || !(c->f = fdopen(d, "w"))) {
		int e = -errno;

		if (d >= 0)
			close(d);
		free(c);
		return e;
	}
	c->ino = 1;
	*ret = c;
	return 0;
}

void cpio_free(struct cpio *c)
{
	if (!c)
		return;
	if (c->f)
		fclose(c->f);
	for (unsigned i = 0; i < c->ndirs; i++)
		free(c->dirs[i]);
	free(c->dirs);
	free(c);
}

static void pad4(struct cpio *c)
{
	static const char zero[4];
	long off = ftell(c->f);

	if (off < 0) {
		c->err = -errno;
		return;
	}
	if (off % 4 && fwrite(zero, 1, 4 - (size_t)(off % 4), c->f) != 4 - (size_t)(off % 4))
		c->err = -EIO;
}

static int header(struct cpio *c, const char *name, mode_t mode, size_t size, dev_t rdev)
{
	size_t namesize;

	/* names are relative in the archive: "bin/busybox", not "/bin/..." */
	while (*name == '/')
		name++;
	if (!*name)
		return -EINVAL;
	namesize = strlen(name) + 1;
	if (fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", c->ino++,
		    (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u, major(rdev),
		    minor(rdev), namesize, 0u) < 0 ||
	    fwrite(name, 1, namesize, c->f) != namesize)
		c->err = -EIO;
	pad4(c);
	return c->err;
}

static bool dir_known(struct cpio *c, const char *name, size_t len)
{
	for (unsigned i = 0; i < c->ndirs; i++)
		if (strlen(c->dirs[i]) == len && !memcmp(c->dirs[i], name, len))
			return true;
	return false;
}

static int dir_remember(struct cpio *c, const char *name, size_t len)
{
	char **d = realloc(c->dirs, (c->ndirs + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	c->dirs = d;
	if (!(d[c->ndirs] = strndup(name, len)))
		return -ENOMEM;
	c->ndirs++;
	return 0;
}

int cpio_add_dir(struct cpio *c, const char *name, mode_t mode)
{
	int e;

	while (*name == '/')
		name++;
	if (dir_known(c, name, strlen(name)))
		return 0;
	e = cpio_add_parents(c, name);
	if (e < 0)
		return e;
	e = header(c, name, S_IFDIR | (mode & 07777), 0, 0);
	if (e < 0)
		return e;
	return dir_remember(c, name, strlen(name));
}

int cpio_add_parents(struct cpio *c, const char *name)
{
	while (*name == '/')
		name++;
	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		size_t len = (size_t)(s - name);
		_cleanup_free_ char *d = NULL;
		int e;

		if (!len || dir_known(c, name, len))
			continue;
		if (!(d = strndup(name, len)))
			return -ENOMEM;
		e = header(c, d, S_IFDIR | 0755, 0, 0);
		if (e < 0)
			return e;
		e = dir_remember(c, name, len);
		if (e < 0)
			return e;
	}
	return 0;
}

int cpio_add_data(struct cpio *c, const char *name, mode_t mode, const void *data, size_t len)
{
	int e = cpio_add_parents(c, name);

	if (e < 0)
		return e;
	e = header(c, name, S_IFREG | (mode & 07777), len, 0);
	if (e < 0)
		return e;
	if (len && fwrite(data, 1, len, c->f) != len)
		c->err = -EIO;
	pad4(c);
	return c->err;
}

static int cpio_add_node(struct cpio *c, const char *name, mode_t mode, dev_t rdev)
{
	int e = cpio_add_parents(c, name);

	return e < 0 ? e : header(c, name, mode, 0, rdev);
}

int cpio_add_file(struct cpio *c, const char *name, mode_t mode, const char *src)
{
	_cleanup_fclose_ FILE *in = fopen(src, "re");
	struct stat st;
	char buf[65536];
	size_t n, total = 0;
	int e;

	if (!in)
		return -errno;
	if (fstat(fileno(in), &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	e = cpio_add_parents(c, name);
	if (e < 0)
		return e;
	e = header(c, name, S_IFREG | (mode & 07777), (size_t)st.st_size, 0);
	if (e < 0)
		return e;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0 && total < (size_t)st.st_size) {
		if (n > (size_t)st.st_size - total)
			n = (size_t)st.st_size - total; /* file grew: keep the header true */
		if (fwrite(buf, 1, n, c->f) != n)
			return c->err = -EIO;
		total += n;
	}
	if (total != (size_t)st.st_size)
		return c->err = -EIO; /* file shrank under us */
	pad4(c);
	return c->err;
}

int cpio_add_symlink(struct cpio *c, const char *name, const char *target)
{
	size_t len = strlen(target);
	int e = cpio_add_parents(c, name);

	if (e < 0)
		return e;
	e = header(c, name, S_IFLNK | 0777, len, 0);
	if (e < 0)
		return e;
	if (fwrite(target, 1, len, c->f) != len)
		c->err = -EIO;
	pad4(c);
	return c->err;
}

int cpio_finish(struct cpio *c)
{
	static const char zero[512];
	int e;
	long off;

	c->ino = 0;
	e = header(c, "TRAILER!!!", 0, 0, 0);
	/* the kernel does not need it, but cpio(1) likes 512-byte blocks */
	off = ftell(c->f);
	if (!e && off > 0 && off % 512 &&
	    fwrite(zero, 1, 512 - (size_t)(off % 512), c->f) != 512 - (size_t)(off % 512))
		e = -EIO;
	if (fflush(c->f) == EOF && !e)
		e = -errno;
	if (fclose(c->f) == EOF && !e)
		e = -errno;
	c->f = NULL;
	if (!e)
		e = c->err;
	cpio_free(c);
	return e;
}

/* ---- shared libraries ---- */

static int paths_add(char ***v, unsigned *n, const char *p, size_t len)
{
	char **nv;

	for (unsigned i = 0; i < *n; i++)
		if (strlen((*v)[i]) == len && !memcmp((*v)[i], p, len))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strndup(p, len)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int vm_ldd_parse(const char *text, char ***ret_paths, unsigned *ret_n)
{
	char **v = NULL;
	unsigned n = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *eol = strchrnul(l, '\n');
		const char *arrow = memmem(l, (size_t)(eol - l), "=> ", 3);
		const char *p = arrow ? arrow + 3 : l;
		size_t len;
		int e;

		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		/* "linux-vdso.so.1 (0x...)" and "not found" have no path */
		if (p >= eol || *p != '/') {
			if (arrow && memmem(l, (size_t)(eol - l), "not found", 9)) {
				paths_free(v, n);
				return -ENOENT;
			}
			continue;
		}
		for (len = 0; p + len < eol && p[len] != ' ' && p[len] != '\t'; len++)
			;
		e = paths_add(&v, &n, p, len);
		if (e < 0) {
			paths_free(v, n);
			return e;
		}
	}
	*ret_paths = v;
	*ret_n = n;
	return 0;
}

int vm_ldd(const char *binary, char ***ret_paths, unsigned *ret_n)
{
	char *argv[] = { "ldd", (char *)binary, NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	int st, e;

	/* ldd 2>&1, captured: argv, not a shell command line, so no quoting */
	cp.argv = argv;
	cp.in = CHILD_IO_NULL;
	cp.out = CHILD_IO_CAPTURE;
	cp.err_to_out = true;
	e = child_run(&cp);
	if (e < 0) {
		child_release(&cp);
		/* no ldd is not "a shared library is not found" (-ENOENT) */
		return e == -ENOENT ? -EIO : e;
	}
	st = child_exit_code(&cp);
	/* a static binary: "not a dynamic executable", exit 1: no libraries */
	if (strstr(cp.out_buf, "not a dynamic executable")) {
		child_release(&cp);
		*ret_paths = NULL;
		*ret_n = 0;
		return 0;
	}
	e = st != 0 ? -EIO : vm_ldd_parse(cp.out_buf, ret_paths, ret_n);
	child_release(&cp);
	return e;
}

/* ---- the initramfs ---- */

/* A binary and the libraries ldd names, each library once per archive:
 * oomlab and oomlab-worker share libc and the ELF interpreter, and a
 * second copy is 2 MiB more for the guest's kernel to unpack (TCG). */
static int add_binary_with_libs(struct cpio *c, const char *name, const char *src, char ***seen,
				unsigned *nseen, char *err, size_t errlen)
{
	char **libs = NULL;
	unsigned n = 0;
	int e = cpio_add_file(c, name, 0755, src);

	if (e < 0) {
		snprintf(err, errlen, "cannot add %s: %s", src, strerror(-e));
		return e;
	}
	e = vm_ldd(src, &libs, &n);
	if (e < 0) {
		snprintf(err, errlen, "ldd %s: %s", src,
			 e == -ENOENT ? "a shared library is not found" : strerror(-e));
		return e;
	}
	for (unsigned i = 0; i < n && e == 0; i++) {
		bool dup = false;
		char **ns;

		for (unsigned j = 0; j < *nseen && !dup; j++)
			dup = !strcmp((*seen)[j], libs[i]);
		if (dup)
			continue;
		/* same path in the guest, content of the symlink's target */
		e = cpio_add_file(c, libs[i], 0755, libs[i]);
		if (e < 0) {
			snprintf(err, errlen, "cannot add %s (needed by %s): %s", libs[i], src,
				 strerror(-e));
			break;
		}
		ns = realloc(*seen, (*nseen + 1) * sizeof(*ns));
		if (!ns) {
			e = -ENOMEM;
			break;
		}
		*seen = ns;
		(*seen)[(*nseen)++] = libs[i];
		libs[i] = NULL; /* owned by seen now */
	}
	paths_free(libs, n);
	return e;
}

static const char *const busybox_applets[] = {
	"sh",	  "mount",  "umount", "mkdir",	 "cat",	     "echo",   "printf", "base64", "wc",
	"insmod", "mkswap", "swapon", "swapoff", "poweroff", "reboot", "stty",	 "uname",  "sleep",
	"ls",	  "dmesg",  "sed",    "rm",	 "head",     "tr",     "cut",	 "grep",   "sync",
	"test",	  "[",	    "ps",     "free",	 "sysctl",   "id",     "cpio",
};

/* Everything but the profiles: busybox, init, oomlab and its libraries,
 * the modules and their list. The same inputs give the same bytes (mtime
 * and owner 0, inode numbers in order), which is what the cache keys on. */
static int add_base(struct cpio *c, const struct vm_initramfs_spec *s, char *err, size_t errlen)
{
	char *modlist = NULL;
	size_t modlen = 0;
	FILE *modf = NULL;
	int e = 0;

	static const char *const dirs[] = { "dev",     "proc",	     "sys", "tmp", "run",
					    "results", "etc/oomlab", "bin", "sbin" };
	for (unsigned i = 0; i < ARRAY_SIZE(dirs) && e == 0; i++)
		e = cpio_add_dir(c, dirs[i], strcmp(dirs[i], "tmp") ? 0755 : 01777);
	/* the kernel opens /dev/console for init's stdio before anything can
	 * mount devtmpfs; without the node init runs with no stdout */
	if (!e)
		e = cpio_add_node(c, "dev/console", S_IFCHR | 0600, makedev(5, 1));
	if (e < 0)
		return e;

	e = cpio_add_file(c, "bin/busybox", 0755, s->busybox);
	if (e < 0) {
		snprintf(err, errlen, "cannot add busybox %s: %s", s->busybox, strerror(-e));
		return e;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(busybox_applets) && e == 0; i++) {
		char name[64];

		snprintf(name, sizeof(name), "bin/%s", busybox_applets[i]);
		e = cpio_add_symlink(c, name, "busybox");
	}
	if (e < 0)
		return e;
	/* profiles name users ("user = nobody"): the host's passwd and group
	 * (no shadow), read by glibc's built-in files NSS (>= 2.34) */
	{
		static const char *const etc[] = { "/etc/passwd", "/etc/group" };

		for (unsigned i = 0; i < ARRAY_SIZE(etc); i++) {
			e = cpio_add_file(c, etc[i], 0644, etc[i]);
			if (e < 0) {
				snprintf(err, errlen, "cannot add %s: %s", etc[i], strerror(-e));
				return e;
			}
		}
	}
	e = cpio_add_file(c, "init", 0755, s->init_script);
	if (e < 0) {
		snprintf(err, errlen, "cannot add %s: %s", s->init_script, strerror(-e));
		return e;
	}
	{
		char **seen = NULL;
		unsigned nseen = 0;

		e = add_binary_with_libs(c, "bin/oomlab", s->oomlab, &seen, &nseen, err, errlen);
		if (!e)
			e = add_binary_with_libs(c, "bin/oomlab-worker", s->worker, &seen, &nseen,
						 err, errlen);
		paths_free(seen, nseen);
		if (e < 0)
			return e;
	}
	/* static: no libraries */
	if (s->fwcfg) {
		e = cpio_add_file(c, "bin/oomlab-fwcfg", 0755, s->fwcfg);
		if (e < 0) {
			snprintf(err, errlen, "cannot add %s: %s", s->fwcfg, strerror(-e));
			return e;
		}
	}

	/* modules: /lib/modules/oomlab/NN-name.ko in load order */
	modf = open_memstream(&modlist, &modlen);
	if (!modf)
		return -errno;
	for (unsigned i = 0; s->kernel && i < s->kernel->nmodules; i++) {
		const char *base = strrchr(s->kernel->modules[i], '/');
		char name[PATH_MAX];

		base = base ? base + 1 : s->kernel->modules[i];
		snprintf(name, sizeof(name), "lib/modules/oomlab/%02u-%s", i, base);
		e = cpio_add_file(c, name, 0644, s->kernel->modules[i]);
		if (e < 0) {
			snprintf(err, errlen, "cannot add module %s: %s", s->kernel->modules[i],
				 strerror(-e));
			break;
		}
		fprintf(modf, "/%s\n", name);
	}
	fclose(modf);
	if (!e)
		e = cpio_add_data(c, "etc/oomlab/modules", 0644, modlist ? modlist : "", modlen);
	free(modlist);
	return e;
}

/* The profiles, the manifest ("<index> <swap bytes> <guest path>") and
 * the boot's parameters. */
static int add_profiles(struct cpio *c, const struct vm_initramfs_spec *s, const char *params,
			char *err, size_t errlen)
{
	char *manifest = NULL;
	size_t mlen = 0;
	FILE *mf = open_memstream(&manifest, &mlen);
	int e = 0;

	if (!mf)
		return -errno;
	for (unsigned i = 0; i < s->nprofiles; i++) {
		const struct vm_guest_profile *g = &s->profiles[i];

		e = cpio_add_file(c, g->guest_path, 0644, g->host_path);
		if (e == 0 || e == -EEXIST)
			e = 0;
		if (e < 0) {
			snprintf(err, errlen, "cannot add profile %s: %s", g->host_path,
				 strerror(-e));
			break;
		}
		fprintf(mf, "%u %llu %s\n", i, (unsigned long long)g->swap, g->guest_path);
	}
	fclose(mf);
	if (!e)
		e = cpio_add_data(c, "etc/oomlab/manifest", 0644, manifest ? manifest : "", mlen);
	if (!e)
		e = cpio_add_data(c, "etc/oomlab/params", 0644, params ? params : "",
				  params ? strlen(params) : 0);
	free(manifest);
	return e;
}

/* One archive at out: the base (params NULL) or the bundle. */
static int write_archive(const struct vm_initramfs_spec *s, const char *params, bool base,
			 const char *out, char *err, size_t errlen)
{
	_cleanup_close_ int fd = -1;
	struct cpio *c = NULL;
	int e;

	if (errlen)
		err[0] = '\0';
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot create %s: %s", out, strerror(-e));
		return e;
	}
	e = cpio_new(fd, &c);
	if (!e)
		e = base ? add_base(c, s, err, errlen) : add_profiles(c, s, params, err, errlen);
	if (!e) {
		e = cpio_finish(c);
		c = NULL;
	}
	if (e < 0 && !*err)
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(-e));
	cpio_free(c);
	return e;
}

int vm_initramfs_build(const struct vm_initramfs_spec *s, const char *out, char *err, size_t errlen)
{
	return write_archive(s, NULL, true, out, err, errlen);
}

int vm_initramfs_bundle(const struct vm_initramfs_spec *s, const char *params, const char *out,
			char *err, size_t errlen)
{
	return write_archive(s, params, false, out, err, errlen);
}

/* ---- the content cache ---- */

/*
 * A 128-bit name for the base part's inputs: two 64-bit lanes, each word
 * of 8 bytes multiplied in and mixed (FNV-1a byte by byte took ~30 ms for
 * the ~9 MB here, as long as building the archive). Not cryptographic: the
 * cache is the user's own directory.
 */
struct fnv2 {
	uint64_t a, b;
};

static inline uint64_t mix64(uint64_t h, uint64_t w, uint64_t k)
{
	h ^= w * k;
	h = (h << 27 | h >> 37) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

static void fnv2_add(struct fnv2 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h->a = mix64(h->a, w, 0xff51afd7ed558ccdULL);
		h->b = mix64(h->b, w, 0xc4ceb9fe1a85ec53ULL);
	}
	for (; i < len; i++) {
		h->a = mix64(h->a, p[i], 0xff51afd7ed558ccdULL);
		h->b = mix64(h->b, p[i], 0xc4ceb9fe1a85ec53ULL);
	}
	/* the length too: "ab" + "c" is not "a" + "bc" */
	h->a = mix64(h->a, len, 0x94d049bb133111ebULL);
	h->b = mix64(h->b, len, 0xbf58476d1ce4e5b9ULL);
}

static int fnv2_file(struct fnv2 *h, const char *name, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return -errno;
	fnv2_add(h, name, strlen(name) + 1);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fnv2_add(h, buf, (size_t)n);
	return n < 0 ? -errno : 0;
}

/* The libraries the binaries load, as "path inode size mtime" lines: the
 * system's files, checked by identity on a cache hit (an upgrade replaces
 * the file: a new inode), so that a hit runs no ldd (2 x 20-40 ms here). */
static int libs_identity(const struct vm_initramfs_spec *s, char **ret)
{
	const char *bins[] = { s->oomlab, s->worker };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int e = 0;

	if (!f)
		return -ENOMEM;
	for (unsigned b = 0; b < ARRAY_SIZE(bins) && !e; b++) {
		char **libs = NULL;
		unsigned n = 0;

		e = vm_ldd(bins[b], &libs, &n);
		for (unsigned i = 0; !e && i < n; i++) {
			char id[PATH_MAX + 96];

			e = file_identity(libs[i], id, sizeof(id));
			if (!e)
				fprintf(f, "%s\n", id);
		}
		paths_free(libs, n);
	}
	if (fclose(f) == EOF && !e)
		e = -ENOMEM;
	if (e < 0) {
		free(text);
		return e;
	}
	*ret = text;
	return 0;
}

/* Does every library of a .libs file still have the identity it had? */
static bool libs_unchanged(const char *text)
{
	for (const char *l = text; *l;) {
		const char *eol = strchrnul(l, '\n');
		char path[PATH_MAX], now[PATH_MAX + 96];

		if (sscanf(l, "%4095s", path) != 1 || file_identity(path, now, sizeof(now)) < 0)
			return false;
		if (strncmp(l, now, (size_t)(eol - l)) || strlen(now) != (size_t)(eol - l))
			return false;
		l = *eol ? eol + 1 : eol;
	}
	return true;
}

int vm_initramfs_base_key(const struct vm_initramfs_spec *s, char *buf, size_t len)
{
	/* a new layout of the base part must not reuse old archives */
	/* 2: libraries once; 3: oomlab-fwcfg, cpio, the profiles apart */
	static const char version[] = "oomlab-initramfs-base-3";
	struct fnv2 h = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	int e;

	fnv2_add(&h, version, sizeof(version));
	for (unsigned i = 0; i < ARRAY_SIZE(busybox_applets); i++)
		fnv2_add(&h, busybox_applets[i], strlen(busybox_applets[i]) + 1);
	e = fnv2_file(&h, "bin/busybox", s->busybox);
	if (!e)
		e = fnv2_file(&h, "/etc/passwd", "/etc/passwd");
	if (!e)
		e = fnv2_file(&h, "/etc/group", "/etc/group");
	if (!e)
		e = fnv2_file(&h, "init", s->init_script);
	if (!e)
		e = fnv2_file(&h, "bin/oomlab", s->oomlab);
	if (!e)
		e = fnv2_file(&h, "bin/oomlab-worker", s->worker);
	if (!e && s->fwcfg)
		e = fnv2_file(&h, "bin/oomlab-fwcfg", s->fwcfg);
	for (unsigned i = 0; !e && s->kernel && i < s->kernel->nmodules; i++)
		e = fnv2_file(&h, s->kernel->modules[i], s->kernel->modules[i]);
	if (e < 0)
		return e;
	return (size_t)snprintf(buf, len, "%016llx%016llx", (unsigned long long)h.a,
				(unsigned long long)h.b) < len
		       ? 0
		       : -ENAMETOOLONG;
}

/* Build the base part into dir/KEY.cpio (temp file, then rename: an entry
 * is whole or absent, and two boots building it at once both succeed). */
static int build_base(const struct vm_initramfs_spec *s, const char *path, char *err, size_t errlen)
{
	_cleanup_free_ char *tmp = NULL;
	struct cpio *c = NULL;
	int fd, e;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = cpio_new(fd, &c);
	if (!e)
		e = add_base(c, s, err, errlen);
	if (!e) {
		e = cpio_finish(c);
		c = NULL;
	}
	cpio_free(c);
	if (!e && (fchmod(fd, 0644) < 0 || rename(tmp, path) < 0))
		e = -errno;
	close(fd);
	if (e < 0)
		unlink(tmp);
	return e;
}

/* Keep the newest VM_INITRAMFS_KEEP bases (each ~7 MiB): every rebuild
 * of oomlab makes a new one. */
#define VM_INITRAMFS_KEEP 4

int vm_initramfs_build_cached(const struct vm_initramfs_spec *s, const char *cache_dir,
			      const char *out, char **ret_path, bool *ret_hit, char *err,
			      size_t errlen)
{
	_cleanup_free_ char *base = NULL, *libs_path = NULL, *libs = NULL;
	char key[64];
	int e;

	if (errlen)
		err[0] = '\0';
	*ret_hit = false;
	*ret_path = NULL;
	if (!cache_dir || vm_initramfs_base_key(s, key, sizeof(key)) < 0 ||
	    mkdir_p(cache_dir, 0755) < 0 || asprintf(&base, "%s/%s.cpio", cache_dir, key) < 0)
		goto plain;
	if (asprintf(&libs_path, "%s/%s.libs", cache_dir, key) < 0)
		return -ENOMEM;
	if (read_file_str(libs_path, &libs) == 0 && libs_unchanged(libs) &&
	    access(base, R_OK) == 0) {
		*ret_hit = true;
		*ret_path = TAKE_PTR(base);
		return 0;
	}
	{
		_cleanup_free_ char *ids = NULL;

		/* the libraries' identity first: a library replaced while the
		 * base is built then makes the next boot build again */
		e = libs_identity(s, &ids);
		if (e == 0)
			e = build_base(s, base, err, errlen);
		if (e == 0) {
			_cleanup_close_ int lf =
				open(libs_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (lf < 0 || write(lf, ids, strlen(ids)) != (ssize_t)strlen(ids))
				unlink(libs_path);
		}
		if (e < 0) {
			if (!*err)
				snprintf(err, errlen, "cannot write %s: %s", base, strerror(-e));
			return e;
		}
		dir_prune(cache_dir, 32, ".cpio", ".libs", VM_INITRAMFS_KEEP);
		if (access(base, R_OK) == 0) {
			*ret_path = TAKE_PTR(base);
			return 0;
		}
	}
plain:
	/* no cache: built for this boot alone */
	e = vm_initramfs_build(s, out, err, errlen);
	if (e == 0 && !(*ret_path = strdup(out)))
		e = -ENOMEM;
	return e;
}
