// SPDX-License-Identifier: MIT
/*
 * Guest kernels: Debian's cloud kernel fetched with apt and kept in a
 * cache, or any bzImage the user names.
 *
 * The cloud flavour because it boots fastest under TCG (measured here:
 * 3.2-4.7 s to /init and poweroff, against 9-10 s for the generic one),
 * and it has all the guest needs built in (virtio, 8250 serial, cgroup v2
 * memory controller) except the zram stack, which comes from its modules.
 *
 * Cache layout: <cache>/<version>/vmlinuz, config, modules/NAME.ko and
 * modules.load (the modules in load order, one file name a line).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "child.h"
#include "fileio.h"
#include "util.h"
#include "vm.h"

/* zram and the compressors it may be asked for; dependencies come from
 * modules.dep (zram needs zsmalloc, lz4 needs lz4_compress). zram's
 * default on Debian 6.1 is lzo-rle, and zram asks the crypto API for it:
 * with no modprobe in the guest, it must already be loaded. */
static const char *const wanted_modules[] = { "lzo-rle", "lz4", "zram" };

/* snprintf for paths: callers check for -ENAMETOOLONG where it matters,
 * and the compiler's truncation guesses stay quiet */
static int __attribute__((format(printf, 3, 4))) pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return k < 0 || (size_t)k >= len ? -ENAMETOOLONG : 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int vm_rmtree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int vm_cache_path(const char *name, char **ret)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *p;

	if (x && *x == '/') {
		if (asprintf(&p, "%s/oomlab/%s", x, name) < 0)
			return -ENOMEM;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.cache/oomlab/%s", home, name) < 0)
			return -ENOMEM;
	} else {
		return -ENOENT;
	}
	*ret = p;
	return 0;
}

int vm_kernel_cache_dir(char **ret)
{
	return vm_cache_path("kernels", ret);
}

/*
 * Run argv (PATH lookup) in cwd, stdout+stderr into *ret_out (may be NULL
 * to discard). Returns the exit status (>= 0) or -errno if it could not
 * be started (a missing program is -ENOENT, not exit 127).
 */
static int run_capture(char *const argv[], const char *cwd, char **ret_out)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	int r;

	cp.argv = argv;
	cp.cwd = cwd;
	cp.in = CHILD_IO_NULL;
	cp.out = CHILD_IO_CAPTURE;
	cp.err_to_out = true;
	r = child_run(&cp);
	if (r == 0) {
		r = child_exit_code(&cp);
		if (ret_out)
			*ret_out = TAKE_PTR(cp.out_buf);
	}
	child_release(&cp);
	return r;
}

/* Last non-empty line of a command's output, for one-line errors. */
static void last_line(const char *out, char *buf, size_t len)
{
	const char *end = out + strlen(out), *s;

	while (end > out && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (s = end; s > out && s[-1] != '\n'; s--)
		;
	snprintf(buf, len, "%.*s", (int)(end - s), s);
}

static bool have_prog(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");

	if (!copy)
		return false;
	for (char *save, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];

		pathf(p, sizeof(p), "%s/%s", d, name);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

int vm_kernel_pick_modules(const char *moddir, const char *modules_dep, struct vm_kernel *ret)
{
	_cleanup_free_ char *dep = NULL;
	char list[VM_MAX_MODULES][PATH_MAX];
	unsigned n = 0;
	int e = read_file_str(modules_dep, &dep);

	if (e < 0)
		return e;
	for (unsigned w = 0; w < ARRAY_SIZE(wanted_modules); w++) {
		char key[64];
		const char *line = NULL;

		/* "kernel/.../zram.ko:" or ".ko.xz:" at a line start */
		for (const char *l = dep; l && *l;
		     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			const char *colon = strchr(l, ':');
			const char *eol = strchrnul(l, '\n');
			const char *slash;

			if (!colon || colon > eol)
				continue;
			for (slash = colon; slash > l && slash[-1] != '/'; slash--)
				;
			snprintf(key, sizeof(key), "%s.ko", wanted_modules[w]);
			if ((size_t)(colon - slash) >= strlen(key) &&
			    !strncmp(slash, key, strlen(key)) &&
			    (slash[strlen(key)] == ':' || slash[strlen(key)] == '.')) {
				line = l;
				break;
			}
		}
		/* 7.2 (sid) builds lzo-rle, lz4 and zsmalloc in: a compressor
		 * missing from modules.dep is built in; zram itself must be there */
		if (!line && !strcmp(wanted_modules[w], "zram"))
			return -ENOENT;
		if (!line)
			continue;

		/* modprobe loads the dependency list from its end: do the same,
		 * then the module itself */
		const char *colon = strchr(line, ':'), *eol = strchrnul(line, '\n');
		char deps[32][PATH_MAX];
		unsigned nd = 0;

		for (const char *p = colon + 1; p < eol && nd < ARRAY_SIZE(deps);) {
			size_t k;

			while (p < eol && *p == ' ')
				p++;
			for (k = 0; p + k < eol && p[k] != ' '; k++)
				;
			if (k)
				snprintf(deps[nd++], PATH_MAX, "%.*s", (int)k, p);
			p += k;
		}
		for (unsigned i = nd; i-- > 0;) {
			bool seen = false;

			for (unsigned j = 0; j < n; j++)
				seen |= !strcmp(list[j], deps[i]);
			if (!seen && n < VM_MAX_MODULES)
				snprintf(list[n++], PATH_MAX, "%s", deps[i]);
		}
		/* the module itself, after its dependencies */
		if (n < VM_MAX_MODULES)
			snprintf(list[n++], PATH_MAX, "%.*s", (int)(colon - line), line);
	}
	for (unsigned i = 0; i < n; i++) {
		int k = snprintf(ret->modules[i], PATH_MAX, "%s/%s", moddir, list[i]);

		if (k < 0 || k >= PATH_MAX)
			return -ENAMETOOLONG;
	}
	ret->nmodules = n;
	return 0;
}

static int copy_file(const char *src, const char *dst)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* .ko.xz / .ko.zst: busybox insmod in the guest wants a plain .ko */
static int copy_module(const char *src, const char *dstdir, char *ret_name, size_t len)
{
	const char *base = strrchr(src, '/');
	char dst[PATH_MAX], name[256];
	size_t bl;

	base = base ? base + 1 : src;
	snprintf(name, sizeof(name), "%s", base);
	bl = strlen(name);
	if ((bl > 3 && !strcmp(name + bl - 3, ".xz")) ||
	    (bl > 4 && !strcmp(name + bl - 4, ".zst"))) {
		bool xz = !strcmp(name + bl - 3, ".xz");
		char *xz_argv[] = { "xz", "-dc", "--", (char *)src, NULL };
		char *zstd_argv[] = { "zstd", "-dcq", "--", (char *)src, NULL };
		struct child_process cp = CHILD_PROCESS_INIT;
		_cleanup_close_ int out = -1;
		int e;

		*strrchr(name, '.') = '\0';
		e = pathf(dst, sizeof(dst), "%s/%s", dstdir, name);
		if (e < 0)
			return e;
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0)
			return -errno;
		/* the decompressor's stdout is the file: no shell, no quoting */
		cp.argv = xz ? xz_argv : zstd_argv;
		cp.in = CHILD_IO_NULL;
		cp.out = CHILD_IO_FD;
		cp.out_fd = out;
		e = child_run(&cp);
		if (e == 0 && child_exit_code(&cp) != 0)
			e = -EIO;
		child_release(&cp);
		if (e < 0) {
			unlink(dst);
			return e;
		}
	} else {
		int e;

		pathf(dst, sizeof(dst), "%s/%s", dstdir, name);
		e = copy_file(src, dst);
		if (e < 0)
			return e;
	}
	snprintf(ret_name, len, "%s", name);
	return 0;
}

static bool valid_version(const char *v)
{
	if (!*v || *v == '.' || strlen(v) >= 120)
		return false;
	for (const char *s = v; *s; s++)
		if (!(*s == '.' || *s == '-' || *s == '+' || *s == '_' ||
		      (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

static int resolve_default(char *ret_version, size_t len, char *err, size_t errlen)
{
	char *argv[] = { "apt-cache", "depends", "linux-image-cloud-amd64", NULL };
	_cleanup_free_ char *out = NULL;
	const char *d;
	int st = run_capture(argv, NULL, &out);

	if (st < 0) {
		snprintf(err, errlen,
			 "cannot run apt-cache: %s (VM mode fetches Debian "
			 "kernels with apt; or use --kernel FILE)",
			 strerror(-st));
		return st;
	}
	d = out ? strstr(out, "Depends: linux-image-") : NULL;
	if (st != 0 || !d) {
		snprintf(err, errlen,
			 "apt-cache knows no linux-image-cloud-amd64 "
			 "(run apt-get update first, or use --kernel FILE)");
		return -ENOENT;
	}
	d += strlen("Depends: linux-image-");
	snprintf(ret_version, len, "%.*s", (int)strcspn(d, " \n<>"), d);
	if (!valid_version(ret_version)) {
		snprintf(err, errlen,
			 "apt-cache depends linux-image-cloud-amd64: "
			 "unexpected dependency '%s'",
			 ret_version);
		return -EINVAL;
	}
	return 0;
}

/* <cache>/.default: the version linux-image-cloud-amd64 named when it was
 * fetched. Without it, "the newest cached kernel" would become whatever
 * --kernel 7 brought last (7.2 boots in 11 s under TCG, 6.1 in 3). */
static void write_default(const char *path, const char *ver)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0 && write(fd, ver, strlen(ver)) < 0)
		log_debug("cannot write %s", path);
}

int vm_kernel_default(char **ret_version)
{
	_cleanup_free_ char *cache = NULL, *p = NULL, *v = NULL;
	struct vm_kernel k;
	int e = vm_kernel_cache_dir(&cache);

	if (e < 0)
		return e;
	if (asprintf(&p, "%s/.default", cache) < 0)
		return -ENOMEM;
	e = read_file_str(p, &v);
	if (e < 0)
		return e;
	v[strcspn(v, "\n")] = '\0';
	if (vm_kernel_load(v, &k) < 0)
		return -ENOENT;
	*ret_version = TAKE_PTR(v);
	return 0;
}

/* Download linux-image-VER (and sid's split packages) into dir, with
 * oomlab's own apt configuration (below). */
static int apt_fetch_debs(const char *ver, const char *dir, char *err, size_t errlen);

int vm_kernel_fetch(const char *version, char **ret_version, char *err, size_t errlen)
{
	_cleanup_free_ char *cache = NULL, *out = NULL, *final = NULL;
	char ver[128], pkg[160], tmp[PATH_MAX], root[PATH_MAX], dst[PATH_MAX];
	char deb[PATH_MAX] = "", src[PATH_MAX], line[256];
	FILE *load = NULL;
	struct vm_kernel k = { 0 };
	DIR *dir;
	struct dirent *de;
	int e, st;

	err[0] = '\0';
	tmp[0] = '\0';
	if (version) {
		if (!strncmp(version, "linux-image-", 12))
			version += 12;
		snprintf(ver, sizeof(ver), "%s", version);
		if (!valid_version(ver)) {
			snprintf(err, errlen, "'%s' is not a kernel version", version);
			return -EINVAL;
		}
	} else {
		e = resolve_default(ver, sizeof(ver), err, errlen);
		if (e < 0)
			return e;
	}
	e = vm_kernel_cache_dir(&cache);
	if (e < 0) {
		snprintf(err, errlen, "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
		return e;
	}
	if (asprintf(&final, "%s/%s", cache, ver) < 0)
		return -ENOMEM;
	pathf(dst, sizeof(dst), "%s/vmlinuz", final);
	if (access(dst, R_OK) == 0)
		goto done; /* cached */

	e = mkdir_p(cache, 0755);
	if (e < 0) {
		snprintf(err, errlen, "cannot create %s: %s", cache, strerror(-e));
		return e;
	}
	snprintf(tmp, sizeof(tmp), "%s/.fetch-XXXXXX", cache);
	if (!mkdtemp(tmp)) {
		e = -errno;
		snprintf(err, errlen, "cannot create a directory in %s: %s", cache, strerror(-e));
		tmp[0] = '\0';
		return e;
	}
	/* apt's _apt user must be able to write the download there, or apt
	 * falls back to an unsandboxed download with a warning */
	chmod(tmp, 0755);
	snprintf(pkg, sizeof(pkg), "linux-image-%s", ver);
	e = apt_fetch_debs(ver, tmp, err, errlen);
	if (e < 0)
		goto out;
	pathf(root, sizeof(root), "%s/root", tmp);
	dir = opendir(tmp);
	while (dir && (de = readdir(dir))) {
		char *argv[] = { "dpkg", "-x", deb, root, NULL };

		if (!strstr(de->d_name, ".deb"))
			continue;
		pathf(deb, sizeof(deb), "%s/%s", tmp, de->d_name);
		free(out);
		out = NULL;
		st = run_capture(argv, NULL, &out);
		if (st != 0) {
			last_line(out ? out : "", line, sizeof(line));
			snprintf(err, errlen, "dpkg -x %s: %s", deb, st < 0 ? strerror(-st) : line);
			e = -EIO;
			closedir(dir);
			goto out;
		}
	}
	if (dir)
		closedir(dir);
	if (!*deb) {
		snprintf(err, errlen, "apt-get download %s left no .deb", pkg);
		e = -ENOENT;
		goto out;
	}
	/* sid's packages are usr-merged (/usr/lib/modules/VER only); depmod
	 * -b looks in ROOT/lib/modules */
	pathf(src, sizeof(src), "%s/lib", root);
	pathf(dst, sizeof(dst), "%s/usr/lib/modules/%s", root, ver);
	if (access(src, F_OK) < 0 && access(dst, F_OK) == 0 && symlink("usr/lib", src) < 0) {
		e = -errno;
		goto io;
	}
	/* modules.dep is not in the package (the postinst makes it) */
	{
		char *kmod[] = { "depmod", "-b", root, ver, NULL };
		char *bb[] = { "busybox", "depmod", "-b", root, ver, NULL };

		free(out);
		out = NULL;
		st = run_capture(have_prog("depmod") ? kmod : bb, NULL, &out);
	}
	if (st != 0) {
		last_line(out ? out : "", line, sizeof(line));
		snprintf(err, errlen, "depmod for %s: %s", ver, st < 0 ? strerror(-st) : line);
		e = -EIO;
		goto out;
	}

	/* assemble <tmp>/k, then rename it into place: a cache entry is
	 * complete or absent */
	pathf(dst, sizeof(dst), "%s/k/modules", tmp);
	e = mkdir_p(dst, 0755);
	if (e < 0)
		goto io;
	/* linux-image-VER: /boot/vmlinuz-VER; sid's linux-binary-VER:
	 * /usr/lib/modules/VER/vmlinuz */
	pathf(src, sizeof(src), "%s/boot/vmlinuz-%s", root, ver);
	if (access(src, R_OK) < 0)
		pathf(src, sizeof(src), "%s/usr/lib/modules/%s/vmlinuz", root, ver);
	pathf(dst, sizeof(dst), "%s/k/vmlinuz", tmp);
	e = copy_file(src, dst);
	if (e < 0) {
		snprintf(err, errlen,
			 "%s has no /boot/vmlinuz-%s nor "
			 "/usr/lib/modules/%s/vmlinuz",
			 pkg, ver, ver);
		goto out;
	}
	pathf(src, sizeof(src), "%s/boot/config-%s", root, ver);
	if (access(src, R_OK) < 0)
		pathf(src, sizeof(src), "%s/usr/lib/modules/%s/config", root, ver);
	pathf(dst, sizeof(dst), "%s/k/config", tmp);
	copy_file(src, dst); /* for people; not needed to boot */

	{
		char moddir[PATH_MAX], dep[PATH_MAX];

		pathf(moddir, sizeof(moddir), "%s/lib/modules/%s", root, ver);
		pathf(dep, sizeof(dep), "%s/modules.dep", moddir);
		e = vm_kernel_pick_modules(moddir, dep, &k);
	}
	pathf(dst, sizeof(dst), "%s/k/modules.load", tmp);
	load = fopen(dst, "we");
	if (!load) {
		e = -errno;
		goto io;
	}
	/* a kernel without the zram modules (built in, or absent) still
	 * boots: zram profiles then find what the guest has */
	for (unsigned i = 0; e == 0 && i < k.nmodules; i++) {
		char name[256];

		pathf(dst, sizeof(dst), "%s/k/modules", tmp);
		e = copy_module(k.modules[i], dst, name, sizeof(name));
		if (e < 0) {
			snprintf(err, errlen, "cannot copy module %s: %s", k.modules[i],
				 strerror(-e));
			fclose(load);
			goto out;
		}
		fprintf(load, "%s\n", name);
	}
	if (fclose(load) == EOF) {
		e = -errno;
		goto io;
	}
	pathf(dst, sizeof(dst), "%s/k", tmp);
	if (rename(dst, final) < 0 && errno != ENOTEMPTY && errno != EEXIST) {
		e = -errno;
		goto io;
	}
done:
	if (!version) {
		/* the metapackage's kernel is the default of `vm run` */
		pathf(dst, sizeof(dst), "%s/.default", cache);
		write_default(dst, ver);
	}
	*ret_version = strdup(ver);
	e = *ret_version ? 0 : -ENOMEM;
	goto out;
io:
	snprintf(err, errlen, "cannot fill the kernel cache %s: %s", cache, strerror(-e));
out:
	if (*tmp)
		vm_rmtree(tmp);
	return e;
}

int vm_kernel_load(const char *version, struct vm_kernel *ret)
{
	_cleanup_free_ char *cache = NULL;
	struct vm_kernel k = { 0 };
	int e;

	if (!valid_version(version))
		return -EINVAL;
	e = vm_kernel_cache_dir(&cache);
	if (e < 0)
		return e;
	snprintf(k.version, sizeof(k.version), "%s", version);
	snprintf(k.vmlinuz, sizeof(k.vmlinuz), "%s/%s/vmlinuz", cache, version);
	if (access(k.vmlinuz, R_OK) < 0)
		return -ENOENT;
	{
		struct line_reader lr;
		char p[PATH_MAX], *l;
		size_t len;

		/* one module file name a line; a missing file is no modules */
		pathf(p, sizeof(p), "%s/%s/modules.load", cache, version);
		if (line_reader_open(&lr, p, 255) == 0) {
			while (line_read(&lr, &l, &len) == 1) {
				if (!len || k.nmodules >= VM_MAX_MODULES || strchr(l, '/'))
					continue;
				snprintf(k.modules[k.nmodules++], PATH_MAX,
					 "%s/%.128s/modules/%.128s", cache, version, l);
			}
			line_reader_done(&lr);
		}
	}
	*ret = k;
	return 0;
}

int vm_kernel_from_file(const char *path, struct vm_kernel *ret)
{
	char *real = realpath(path, NULL);
	const char *base;

	if (!real)
		return -errno;
	memset(ret, 0, sizeof(*ret));
	base = strrchr(real, '/');
	snprintf(ret->version, sizeof(ret->version), "%s", base ? base + 1 : real);
	snprintf(ret->vmlinuz, sizeof(ret->vmlinuz), "%s", real);
	free(real);
	return 0;
}

/* newest last, in Debian's version order: 6.12 after 6.1.0-57 */
static int cmp_ver(const void *a, const void *b)
{
	return vm_kernel_version_cmp(*(char *const *)a, *(char *const *)b);
}

int vm_kernel_list(char ***ret_versions, unsigned *ret_n)
{
	_cleanup_free_ char *cache = NULL;
	char **v = NULL;
	unsigned n = 0;
	DIR *d;
	struct dirent *de;
	int e = vm_kernel_cache_dir(&cache);

	if (e < 0)
		return e;
	d = opendir(cache);
	if (!d) {
		if (errno != ENOENT)
			return -errno;
		*ret_versions = NULL;
		*ret_n = 0;
		return 0;
	}
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		pathf(p, sizeof(p), "%s/%s/vmlinuz", cache, de->d_name);
		if (access(p, R_OK) < 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			v = nv ? nv : v;
			e = -ENOMEM;
			break;
		}
		v = nv;
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
		qsort(v, n, sizeof(*v), cmp_ver);
	*ret_versions = v;
	*ret_n = n;
	return 0;
}

/* ---- kernels of every Debian suite reachable (private apt configuration) ---- */

/*
 * Debian serves here: bullseye (5.10), bookworm (6.1), bookworm-backports
 * and trixie (6.12), sid (7.x); buster and stretch are gone (404). apt is
 * pointed at a configuration of our own under the cache directory
 * (sources, lists, package cache), so the system's sources stay untouched;
 * debian-archive-keyring verifies the suites.
 */
static const char apt_sources[] =
	"Types: deb\n"
	"URIs: http://deb.debian.org/debian\n"
	"Suites: bullseye bookworm bookworm-updates bookworm-backports trixie sid\n"
	"Components: main\n"
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
	"\n"
	"Types: deb\n"
	"URIs: http://deb.debian.org/debian-security\n"
	"Suites: bullseye-security bookworm-security trixie-security\n"
	"Components: main\n"
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";
#define APT_KEYRING "/usr/share/keyrings/debian-archive-keyring.gpg"
/* the lists are ~40 MB to fetch: once a day is fresh enough for kernels */
#define APT_MAX_AGE_S (24 * 3600)
#define APT_NOPT 24

struct apt_conf {
	char dir[PATH_MAX];
	char opt[APT_NOPT][PATH_MAX + 64];
	unsigned nopt;
};

static int apt_conf_init(struct apt_conf *c, char *err, size_t errlen)
{
	_cleanup_free_ char *kc = NULL;
	char p[PATH_MAX + 64], *slash;
	int e = vm_kernel_cache_dir(&kc);

	if (e < 0) {
		snprintf(err, errlen, "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
		return e;
	}
	slash = strrchr(kc, '/');
	*slash = '\0';
	if (pathf(c->dir, sizeof(c->dir), "%s/apt", kc) < 0)
		return -ENAMETOOLONG;
	if (access(APT_KEYRING, R_OK) < 0) {
		snprintf(err, errlen,
			 "%s missing (apt-get install debian-archive-keyring): "
			 "it verifies the Debian suites",
			 APT_KEYRING);
		return -ENOENT;
	}
	static const char *const sub[] = { "sources.list.d", "preferences.d", "lists/partial",
					   "cache/archives/partial" };
	for (unsigned i = 0; i < ARRAY_SIZE(sub); i++) {
		pathf(p, sizeof(p), "%s/%s", c->dir, sub[i]);
		e = mkdir_p(p, 0755);
		if (e < 0) {
			snprintf(err, errlen, "cannot create %s: %s", p, strerror(-e));
			return e;
		}
	}
	pathf(p, sizeof(p), "%s/sources.list.d/oomlab.sources", c->dir);
	{
		_cleanup_free_ char *cur = NULL;

		if (read_file_str(p, &cur) < 0 || strcmp(cur, apt_sources)) {
			_cleanup_close_ int fd =
				open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd < 0 || write(fd, apt_sources, strlen(apt_sources)) !=
					      (ssize_t)strlen(apt_sources)) {
				snprintf(err, errlen, "cannot write %s", p);
				return -EIO;
			}
		}
	}
	c->nopt = 0;
#define OPT(...) pathf(c->opt[c->nopt++], sizeof(c->opt[0]), __VA_ARGS__)
	OPT("Dir::Etc::SourceList=/dev/null");
	OPT("Dir::Etc::SourceParts=%s/sources.list.d", c->dir);
	OPT("Dir::Etc::Preferences=/dev/null");
	OPT("Dir::Etc::PreferencesParts=%s/preferences.d", c->dir);
	OPT("Dir::State::Lists=%s/lists", c->dir);
	OPT("Dir::State::status=/dev/null"); /* what is installed here does not matter */
	OPT("Dir::Cache=%s/cache", c->dir);
	/* Debian's container images set the package cache to "": each
	 * apt-cache call then rebuilds it from the lists (4-7 s here); one
	 * binary cache makes a query 0.7 s */
	OPT("Dir::Cache::pkgcache=%s/cache/pkgcache.bin", c->dir);
	OPT("Dir::Cache::srcpkgcache=");
	OPT("Acquire::Languages=none");
#undef OPT
	/* as root, apt downloads as _apt, which cannot write our directories:
	 * it warns and falls back; say so up front */
	if (getuid() == 0)
		pathf(c->opt[c->nopt++], sizeof(c->opt[0]), "APT::Sandbox::User=root");
	return 0;
}

/* argv: tool, then -o OPT for each option, then the rest (NULL-ended) */
static void apt_argv(const struct apt_conf *c, const char *tool, const char *const *rest,
		     char **argv, unsigned max)
{
	unsigned n = 0;

	argv[n++] = (char *)tool;
	for (unsigned i = 0; i < c->nopt && n + 2 < max; i++) {
		argv[n++] = "-o";
		argv[n++] = (char *)c->opt[i];
	}
	for (unsigned i = 0; rest[i] && n + 1 < max; i++)
		argv[n++] = (char *)rest[i];
	argv[n] = NULL;
}

static int apt_update(const struct apt_conf *c, bool force, char *err, size_t errlen)
{
	char p[PATH_MAX + 32], line[256];
	char *argv[APT_NOPT * 2 + 8];
	static const char *const rest[] = { "-q", "update", NULL };
	_cleanup_free_ char *out = NULL;
	struct stat st;
	int r;

	pathf(p, sizeof(p), "%s/lists/.oomlab-updated", c->dir);
	if (!force && stat(p, &st) == 0 && time(NULL) - st.st_mtime < APT_MAX_AGE_S)
		return 0;
	log_info("updating oomlab's own apt lists (Debian bullseye to sid, ~40 MB) in %s", c->dir);
	apt_argv(c, "apt-get", rest, argv, ARRAY_SIZE(argv));
	r = run_capture(argv, NULL, &out);
	if (r != 0) {
		last_line(out ? out : "", line, sizeof(line));
		snprintf(err, errlen, "apt-get update (oomlab's sources in %s): %s", c->dir,
			 r < 0 ? strerror(-r) : line);
		return r < 0 ? r : -EIO;
	}
	{
		_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		(void)fd; /* its mtime is the time of the update */
	}
	return 0;
}

/* Debian version order, simplified (dpkg's verrevcmp): runs of digits
 * compare as numbers, other runs as text with '~' first. */
int vm_kernel_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ca = *a && !isdigit((unsigned char)*a) ? (*a == '~' ? -1 : *a) : 0;
			int cb = *b && !isdigit((unsigned char)*b) ? (*b == '~' ? -1 : *b) : 0;

			if (ca != cb)
				return ca < cb ? -1 : 1;
			if (*a && !isdigit((unsigned char)*a))
				a++;
			if (*b && !isdigit((unsigned char)*b))
				b++;
		}
		{
			unsigned long long na = 0, nb = 0;

			while (isdigit((unsigned char)*a))
				na = na * 10 + (unsigned)(*a++ - '0');
			while (isdigit((unsigned char)*b))
				nb = nb * 10 + (unsigned)(*b++ - '0');
			if (na != nb)
				return na < nb ? -1 : 1;
		}
	}
	return 0;
}

#define FLAVOUR "-cloud-amd64"

/* "6.1" matches 6.1.0-57-cloud-amd64 but not 6.12.x; "7" matches 7.2.13+deb14... */
static bool in_series(const char *ver, const char *spec)
{
	size_t l = strlen(spec);

	if (!strcmp(ver, spec))
		return true;
	return !strncmp(ver, spec, l) && (ver[l] == '.' || ver[l] == '-' || ver[l] == '+');
}

static bool is_flavour(const char *ver)
{
	size_t l = strlen(ver), f = strlen(FLAVOUR);

	return l > f && !strcmp(ver + l - f, FLAVOUR);
}

int vm_kernel_pick(const char *search_out, const char *spec, char *const *cached, unsigned ncached,
		   char *ret, size_t len)
{
	char best[128] = "";

	for (unsigned i = 0; i < ncached; i++)
		if (in_series(cached[i], spec) &&
		    (!*best || vm_kernel_version_cmp(cached[i], best) > 0))
			snprintf(best, sizeof(best), "%s", cached[i]);
	/* "linux-image-VER - description", one a line */
	for (const char *l = search_out; l && *l;) {
		const char *eol = strchrnul(l, '\n');
		char ver[128];
		size_t k;

		if (!strncmp(l, "linux-image-", 12)) {
			k = strcspn(l + 12, " \n");
			snprintf(ver, sizeof(ver), "%.*s", (int)k, l + 12);
			if (is_flavour(ver) && valid_version(ver) && in_series(ver, spec) &&
			    (!*best || vm_kernel_version_cmp(ver, best) > 0))
				snprintf(best, sizeof(best), "%s", ver);
		}
		l = *eol ? eol + 1 : eol;
	}
	if (!*best)
		return -ENOENT;
	if (strlen(best) >= len)
		return -ENAMETOOLONG;
	strcpy(ret, best);
	return 0;
}

/* "5.10 (5.10.0-46-cloud-amd64), 6.1 (...)": the newest of each series */
void vm_kernel_served(const char *search_out, char *buf, size_t len)
{
	char series[16][16], newest[16][128];
	unsigned n = 0;
	size_t off = 0;

	for (const char *l = search_out; l && *l;) {
		const char *eol = strchrnul(l, '\n');
		char ver[128], ser[16];
		unsigned k;

		if (!strncmp(l, "linux-image-", 12)) {
			snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(l + 12, " \n"), l + 12);
			/* the series: major.minor, "7.2" */
			snprintf(ser, sizeof(ser), "%.*s", (int)strspn(ver, "0123456789."), ver);
			if (strchr(ser, '.') && strchr(strchr(ser, '.') + 1, '.'))
				*strchr(strchr(ser, '.') + 1, '.') = '\0';
			for (k = 0; k < n && strcmp(series[k], ser); k++)
				;
			if (is_flavour(ver) && k < ARRAY_SIZE(series)) {
				if (k == n) {
					snprintf(series[n], sizeof(series[0]), "%s", ser);
					newest[n++][0] = '\0';
				}
				if (!newest[k][0] || vm_kernel_version_cmp(ver, newest[k]) > 0)
					snprintf(newest[k], sizeof(newest[0]), "%s", ver);
			}
		}
		l = *eol ? eol + 1 : eol;
	}
	buf[0] = '\0';
	for (unsigned k = 0; k < n && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s (%s)", k ? ", " : "", series[k],
					newest[k]);
}

int vm_kernel_packages(const char *show_out, const char *ver, char (*ret)[160], unsigned max,
		       unsigned *ret_n)
{
	const char *d = strstr(show_out, "\nDepends: ");
	const char *eol;
	unsigned n = 0;

	if (max < 1)
		return -EINVAL;
	snprintf(ret[n++], 160, "linux-image-%s", ver);
	if (!strncmp(show_out, "Depends: ", 9))
		d = show_out - 1;
	if (!d) {
		*ret_n = n;
		return 0;
	}
	d += 10;
	eol = strchrnul(d, '\n');
	/*
	 * sid splits the kernel: linux-image-VER is a small package depending
	 * on linux-binary-VER (vmlinuz in /usr/lib/modules/VER/) and
	 * linux-modules-VER. Those two come along; nothing else does
	 * (initramfs-tools, linux-base: the guest has its own init).
	 */
	static const char *const split[] = { "linux-binary-", "linux-modules-" };
	for (unsigned i = 0; i < ARRAY_SIZE(split); i++) {
		char want[160];
		const char *p;

		snprintf(want, sizeof(want), "%s%s", split[i], ver);
		for (p = d; (p = strstr(p, want)) && p < eol; p += strlen(want)) {
			char c = p[strlen(want)];

			if ((p == d || p[-1] == ' ') && (c == ' ' || c == ',' || c == '\n' || !c)) {
				if (n >= max)
					return -E2BIG;
				snprintf(ret[n++], 160, "%s", want);
				break;
			}
		}
	}
	*ret_n = n;
	return 0;
}

static int apt_query(const struct apt_conf *c, const char *const *rest, char **ret_out, char *err,
		     size_t errlen)
{
	char *argv[APT_NOPT * 2 + 8], line[256];
	int r;

	apt_argv(c, "apt-cache", rest, argv, ARRAY_SIZE(argv));
	r = run_capture(argv, NULL, ret_out);
	if (r != 0) {
		last_line(*ret_out ? *ret_out : "", line, sizeof(line));
		snprintf(err, errlen, "apt-cache %s: %s", rest[0], r < 0 ? strerror(-r) : line);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

static int search_kernels(const struct apt_conf *c, char **ret_out, char *err, size_t errlen)
{
	static const char *const rest[] = { "--names-only", "search",
					    "^linux-image-[0-9].*" FLAVOUR "$", NULL };

	return apt_query(c, rest, ret_out, err, errlen);
}

int vm_kernel_resolve(const char *spec, char **ret_version, char *err, size_t errlen)
{
	struct apt_conf *c = NULL;
	_cleanup_free_ char *found = NULL;
	char **v = NULL, best[128];
	unsigned n = 0;
	struct vm_kernel k;
	int e;

	err[0] = '\0';
	if (!strncmp(spec, "linux-image-", 12))
		spec += 12;
	if (!valid_version(spec)) {
		snprintf(err, errlen, "'%s' is not a kernel version", spec);
		return -EINVAL;
	}
	if (vm_kernel_load(spec, &k) == 0)
		return (*ret_version = strdup(spec)) ? 0 : -ENOMEM;
	vm_kernel_list(&v, &n);
	c = calloc(1, sizeof(*c));
	e = c ? apt_conf_init(c, err, errlen) : -ENOMEM;
	if (!e)
		e = apt_update(c, false, err, errlen);
	if (!e)
		e = search_kernels(c, &found, err, errlen);
	if (e < 0) {
		/* offline: a cached kernel of the series still does */
		if (vm_kernel_pick(NULL, spec, v, n, best, sizeof(best)) == 0) {
			log_warn("%s; using the cached %s", err, best);
			e = 0;
		}
	} else if (vm_kernel_pick(found, spec, v, n, best, sizeof(best)) < 0) {
		char served[512];

		vm_kernel_served(found, served, sizeof(served));
		snprintf(err, errlen,
			 "no %s kernel '%s' cached or in Debian's suites; they serve: %s",
			 FLAVOUR + 1, spec, served);
		e = -ENOENT;
	}
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
	free(c);
	if (e < 0)
		return e;
	if (vm_kernel_load(best, &k) == 0)
		return (*ret_version = strdup(best)) ? 0 : -ENOMEM;
	return vm_kernel_fetch(best, ret_version, err, errlen);
}

static int apt_fetch_debs(const char *ver, const char *dir, char *err, size_t errlen)
{
	_cleanup_free_ struct apt_conf *c = calloc(1, sizeof(*c));
	_cleanup_free_ char *show = NULL, *out = NULL;
	char pkgs[4][160], line[256], image[160];
	const char *rest[8];
	char *argv[APT_NOPT * 2 + 12];
	unsigned n = 0;
	int e;

	if (!c)
		return -ENOMEM;
	e = apt_conf_init(c, err, errlen);
	if (!e)
		e = apt_update(c, false, err, errlen);
	if (e < 0)
		return e;
	snprintf(image, sizeof(image), "linux-image-%s", ver);
	rest[0] = "show";
	rest[1] = "--no-all-versions";
	rest[2] = image;
	rest[3] = NULL;
	if (apt_query(c, rest, &show, err, errlen) < 0 || !strstr(show ? show : "", "Package: ")) {
		_cleanup_free_ char *found = NULL;
		char served[512] = "?";

		if (search_kernels(c, &found, line, sizeof(line)) == 0)
			vm_kernel_served(found, served, sizeof(served));
		snprintf(err, errlen,
			 "no package %s in Debian's suites (bullseye to sid); "
			 "they serve: %s",
			 image, served);
		return -ENOENT;
	}
	e = vm_kernel_packages(show, ver, pkgs, ARRAY_SIZE(pkgs), &n);
	if (e < 0)
		return e;
	rest[0] = "download";
	rest[1] = "-q";
	for (unsigned i = 0; i < n; i++)
		rest[2 + i] = pkgs[i];
	rest[2 + n] = NULL;
	apt_argv(c, "apt-get", rest, argv, ARRAY_SIZE(argv));
	log_info("fetching %s%s from Debian", image, n > 1 ? " (split: binary and modules)" : "");
	e = run_capture(argv, dir, &out);
	if (e != 0) {
		last_line(out ? out : "", line, sizeof(line));
		snprintf(err, errlen, "apt-get download %s failed: %s", image,
			 e < 0 ? strerror(-e) : line);
		return -ENOENT;
	}
	return 0;
}
