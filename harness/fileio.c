// SPDX-License-Identifier: MIT
/* fileio: line reader, mkdir -p, atomic writes, output-path checks, self exe. */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "util.h"

/* ---- line reader ---- */

void line_reader_init(struct line_reader *lr, FILE *f, size_t max_len)
{
	*lr = (struct line_reader){ .f = f, .max_len = max_len ? max_len : 4096 };
}

int line_reader_open(struct line_reader *lr, const char *path, size_t max_len)
{
	struct stat st;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	/* fopen() of a directory succeeds; its first read says EISDIR,
	 * which reads as "Input/output error" further up */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	line_reader_init(lr, f, max_len);
	lr->own = true;
	return 0;
}

int line_read(struct line_reader *lr, char **ret_line, size_t *ret_len)
{
	size_t len = 0;
	int c;

	if (!lr->buf) {
		lr->cap = lr->max_len < 256 ? lr->max_len + 2 : 256;
		lr->buf = malloc(lr->cap);
		if (!lr->buf)
			return -ENOMEM;
	}
	/* getc, not getline: getline would read a newline-free file whole
	 * before we could look at its length */
	while ((c = getc(lr->f)) != EOF) {
		if (c == '\n')
			break;
		if (len >= lr->max_len)
			return -E2BIG;
		if (len + 2 > lr->cap) {
			size_t ncap = lr->cap * 2 > lr->max_len + 2 ? lr->max_len + 2 : lr->cap * 2;
			char *nb = realloc(lr->buf, ncap);

			if (!nb)
				return -ENOMEM;
			lr->buf = nb;
			lr->cap = ncap;
		}
		lr->buf[len++] = (char)c;
	}
	if (c == EOF) {
		if (ferror(lr->f))
			return errno ? -errno : -EIO;
		if (len == 0)
			return 0;
	}
	if (len && lr->buf[len - 1] == '\r')
		len--;
	lr->buf[len] = 0;
	lr->lineno++;
	*ret_line = lr->buf;
	*ret_len = len;
	return 1;
}

void line_reader_done(struct line_reader *lr)
{
	if (lr->own && lr->f)
		fclose(lr->f);
	free(lr->buf);
	*lr = (struct line_reader){ 0 };
}

/* ---- directories ---- */

int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);
	struct stat st;

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	if (stat(p, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* ---- atomic writes ---- */

/* dir/.base.XXXXXX, filled, fsynced and closed; unlinked on failure. */
static int tmp_fill(const char *dir, const char *base, mode_t mode, write_fill_fn fill,
		    const void *arg, char **ret_tmp)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *f = NULL;
	int fd, r;

	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mkstemp makes 0600; results are meant to be read by others */
	if (fchmod(fd, mode) < 0) {
		r = -errno;
		close(fd);
		goto fail;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		goto fail;
	}
	r = fill(f, arg);
	if (r < 0)
		goto fail;
	if (fflush(f) != 0) {
		r = -errno;
		goto fail;
	}
	if (ferror(f)) {
		r = -EIO;
		goto fail;
	}
	if (fsync(fileno(f)) < 0) {
		r = -errno;
		goto fail;
	}
	r = fclose(f);
	f = NULL;
	if (r != 0) {
		r = -errno;
		goto fail;
	}
	*ret_tmp = TAKE_PTR(tmp);
	return 0;
fail:
	if (f)
		fclose(f);
	unlink(tmp);
	return r;
}

static void fsync_dir(const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0)
		(void)fsync(dfd); /* best effort: the file itself is complete */
}

static int split_path(const char *path, char **ret_dir, char **ret_base)
{
	_cleanup_free_ char *d = strdup(path), *b = strdup(path);
	char *dd, *bb;

	if (!d || !b)
		return -ENOMEM;
	dd = strdup(dirname(d));
	bb = strdup(basename(b));
	if (!dd || !bb) {
		free(dd);
		free(bb);
		return -ENOMEM;
	}
	*ret_dir = dd;
	*ret_base = bb;
	return 0;
}

int file_identity(const char *path, char *buf, size_t len)
{
	struct stat st;
	int n;

	if (stat(path, &st) < 0)
		return -errno;
	n = snprintf(buf, len, "%s %llu %lld %lld.%09ld", path, (unsigned long long)st.st_ino,
		     (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void dir_prune(const char *dir, size_t key_len, const char *ext, const char *companion,
	       unsigned keep)
{
	char *names[64];
	time_t mt[64];
	unsigned n = 0;
	size_t el = strlen(ext);
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)) && n < ARRAY_SIZE(names)) {
		char p[PATH_MAX];
		struct stat st;

		if (strlen(de->d_name) != key_len + el || strcmp(de->d_name + key_len, ext))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && (names[n] = strdup(p)))
			mt[n++] = st.st_mtime;
	}
	if (d)
		closedir(d);
	while (n > keep) {
		unsigned old = 0;

		for (unsigned i = 1; i < n; i++)
			if (mt[i] < mt[old])
				old = i;
		unlink(names[old]);
		if (companion) {
			char c[PATH_MAX];

			snprintf(c, sizeof(c), "%.*s%s", (int)(strlen(names[old]) - el), names[old],
				 companion);
			unlink(c);
		}
		free(names[old]);
		names[old] = names[--n];
		mt[old] = mt[n];
	}
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
}

int write_atomic(const char *path, mode_t mode, write_fill_fn fill, const void *arg)
{
	_cleanup_free_ char *dir = NULL, *base = NULL, *tmp = NULL;
	int r = split_path(path, &dir, &base);

	if (r < 0)
		return r;
	r = tmp_fill(dir, base, mode, fill, arg, &tmp);
	if (r < 0)
		return r;
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	fsync_dir(dir);
	return 0;
}

/* link() fails with EEXIST where rename() would replace: the one atomic
 * "take this name only if it is free" for a complete file. */
int write_atomic_new(const char *path, mode_t mode, write_fill_fn fill, const void *arg)
{
	_cleanup_free_ char *dir = NULL, *base = NULL, *tmp = NULL;
	int r = split_path(path, &dir, &base);

	if (r < 0)
		return r;
	r = tmp_fill(dir, base, mode, fill, arg, &tmp);
	if (r < 0)
		return r;
	r = link(tmp, path) < 0 ? -errno : 0;
	unlink(tmp);
	if (r == 0)
		fsync_dir(dir);
	return r;
}

int write_atomic_unique(const char *dir, const char *stem, const char *ext, mode_t mode,
			write_fill_fn fill, const void *arg, char **ret_path)
{
	_cleanup_free_ char *tmp = NULL;
	int r = tmp_fill(dir, stem, mode, fill, arg, &tmp);

	if (r < 0)
		return r;
	for (unsigned seq = 1; seq <= WRITE_UNIQUE_MAX; seq++) {
		char *path;
		int k = seq == 1 ? asprintf(&path, "%s/%s%s", dir, stem, ext)
				 : asprintf(&path, "%s/%s-%u%s", dir, stem, seq, ext);

		if (k < 0) {
			r = -ENOMEM;
			break;
		}
		if (link(tmp, path) == 0) {
			unlink(tmp);
			fsync_dir(dir);
			if (ret_path)
				*ret_path = path;
			else
				free(path);
			return 0;
		}
		r = -errno;
		free(path);
		if (r != -EEXIST)
			break;
	}
	unlink(tmp);
	return r;
}

int write_fill_buf(FILE *f, const void *arg)
{
	const struct wbuf *b = arg;

	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return -EIO;
	return 0;
}

int copy_file_atomic(const char *src, const char *dst, mode_t mode)
{
	_cleanup_free_ char *t = NULL;
	struct wbuf w;
	int e = read_file_str(src, &t);

	if (e < 0)
		return e;
	w = (struct wbuf){ .data = t, .len = strlen(t) };
	return write_atomic(dst, mode, write_fill_buf, &w);
}

/* ---- output paths, checked before a run starts ---- */

/* Can a file be created in dir? Try it: access() says yes to root on
 * /proc and says nothing about a read-only mount's quirks. */
static int probe_create(const char *dir)
{
	_cleanup_free_ char *tmp = NULL;
	int fd;

	if (asprintf(&tmp, "%s/.oomlab-probe.XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmp);
	return 0;
}

int check_output_dir(const char *dir, bool may_create)
{
	_cleanup_free_ char *d = strdup(dir && *dir ? dir : ".");
	struct stat st;

	if (!d)
		return -ENOMEM;
	/* the nearest existing ancestor: mkdir_p creates the rest */
	for (;;) {
		if (stat(d, &st) == 0)
			break;
		if (errno != ENOENT || !may_create)
			return -errno;
		if (!strcmp(d, "/") || !strcmp(d, "."))
			return -ENOENT;
		{
			char *up = strdup(dirname(d));

			if (!up)
				return -ENOMEM;
			free(d);
			d = up;
		}
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return probe_create(d);
}

int check_output_file(const char *path, bool dir_may_be_created)
{
	_cleanup_free_ char *copy = NULL;
	struct stat st;

	if (!path || !*path)
		return -EINVAL;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		/* rename() would replace a device node or a FIFO */
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
	} else if (errno != ENOENT) {
		return -errno;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	return check_output_dir(dirname(copy), dir_may_be_created);
}

/* ---- where we are ---- */

int self_exe(char **ret)
{
	char buf[PATH_MAX], *p;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	p = strdup(buf);
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

int self_exe_dir(char **ret)
{
	char *p, *s;
	int r = self_exe(&p);

	if (r < 0)
		return r;
	s = strrchr(p, '/');
	if (s && s != p)
		*s = 0;
	else if (s)
		s[1] = 0;
	*ret = p;
	return 0;
}

void paths_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ini_paths_add(const char *arg, char ***v, size_t *nv)
{
	size_t n = *nv, first = *nv, alen = strlen(arg);
	const char *sep = alen && arg[alen - 1] == '/' ? "" : "/";
	struct dirent *de;
	struct stat st;
	char **a = *v;
	int e = 0;
	DIR *d;

	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode)) {
		char *p = strdup(arg);

		a = p ? realloc(*v, (n + 1) * sizeof(*a)) : NULL;
		if (!a) {
			free(p);
			return -ENOMEM;
		}
		a[n] = p;
		*v = a;
		*nv = n + 1;
		return 1;
	}
	d = opendir(arg);
	if (!d)
		return -errno;
	while (!e && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **na;

		if (l < 5 || strcmp(de->d_name + l - 4, ".ini"))
			continue;
		na = realloc(a, (n + 1) * sizeof(*a));
		if (!na || asprintf(&na[n], "%s%s%s", arg, sep, de->d_name) < 0)
			e = -ENOMEM;
		else
			n++;
		a = na ? na : a;
	}
	closedir(d);
	if (e) {
		for (size_t i = first; i < n; i++)
			free(a[i]);
		*v = a; /* realloc may have moved the caller's entries */
		return e;
	}
	qsort(a + first, n - first, sizeof(*a), cmp_str);
	*v = a;
	*nv = n;
	return (int)(n - first);
}

const char *ini_stem(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	snprintf(buf, len, "%s", slash ? slash + 1 : path);
	n = strlen(buf);
	if (n > 4 && !strcmp(buf + n - 4, ".ini"))
		buf[n - 4] = 0;
	return buf;
}
