// SPDX-License-Identifier: MIT
/*
 * Boot snapshots: a guest booted to the point where it waits for its
 * profiles, saved once by QEMU's own migration (to a file, over QMP), and
 * restored for every later run of the same machine (-incoming fd:N).
 *
 * Why: under TCG a boot of the Debian cloud kernel to init costs ~1.3 s,
 * more than the profile run after it (docs/vm.md, "Boot snapshots"); a
 * restore costs ~0.15 s. What a run gets is the same guest: the same
 * kernel, command line, initramfs and memory, stopped at the same point
 * after boot. The profiles, the clock and a random seed reach it through
 * fw_cfg, which QEMU does not migrate (the restoring QEMU's files are the
 * ones the guest reads).
 *
 * The name of a snapshot hashes everything that decides the machine:
 * QEMU's argv (less the per-run log files), the identity of QEMU's binary,
 * of the kernel and of the initramfs (the cached base: its name is a hash
 * of its contents). Anything else is another machine: another snapshot.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"
#include "vm.h"

int vm_snap_dir(char **ret)
{
	const char *env = getenv("OOMLAB_SNAPSHOT_DIR");

	if (env && *env == '/')
		return (*ret = strdup(env)) ? 0 : -ENOMEM;
	return vm_cache_path("snapshots", ret);
}

/* FNV-1a, twice with different offsets: 128 bits of name, not a MAC (the
 * cache is the user's own directory). */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void key_add(FILE *f, const char *s)
{
	fputs(s, f);
	fputc('\n', f);
}

static void key_add_file(FILE *f, const char *path)
{
	char buf[PATH_MAX + 128];

	if (file_identity(path, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "%s missing", path);
	key_add(f, buf);
}

int vm_snap_key(char *const *argv, const char *qemu_path, char *buf, size_t len)
{
	/* a new guest protocol (init.sh's SNAP point) must not reuse old ones */
	static const char version[] = "oomlab-snapshot-1";
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	int n;

	if (!f)
		return -errno;
	key_add(f, version);
	key_add_file(f, qemu_path);
	for (unsigned i = 0; argv[i]; i++) {
		const char *a = argv[i];

		/* the per-run logs are no part of the machine */
		if (i > 0 && !strcmp(argv[i - 1], "-serial") && !strncmp(a, "file:", 5))
			a = "file:";
		key_add(f, a);
		if (i > 0 && (!strcmp(argv[i - 1], "-kernel") || !strcmp(argv[i - 1], "-initrd") ||
			      !strcmp(argv[i - 1], "-bios")))
			key_add_file(f, a);
	}
	fclose(f);
	if (!text)
		return -ENOMEM;
	n = snprintf(buf, len, "%016llx%016llx",
		     (unsigned long long)fnv1a(0xcbf29ce484222325ULL, text),
		     (unsigned long long)fnv1a(0x84222325cbf29ce4ULL, text));
	free(text);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool vm_snap_room(const char *dir, uint64_t mem)
{
	struct statvfs sv;

	/* at most the guest's RAM (zero pages take no room), and 256 MiB to spare */
	return statvfs(dir, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize >= mem + 256 * MIB;
}

void vm_snap_prune(const char *dir, unsigned keep)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	/* KEY.snap.PID: a save that never ended (oomlab was killed) */
	while (d && (de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (strlen(de->d_name) <= 32 + 6 || strncmp(de->d_name + 32, ".snap.", 6))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && st.st_mtime < time(NULL) - 600)
			unlink(p);
	}
	if (d)
		closedir(d);
	dir_prune(dir, 32, ".snap", ".console", keep);
}

/* ---- QMP, as much as a save needs ---- */

struct qmp {
	int fd;
	char buf[1 << 16];
	size_t len;
	uint64_t deadline_ns;
};

/* The next reply (events skipped), parsed; NULL on EOF, timeout or junk. */
static json_t *qmp_reply(struct qmp *q)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			json_t *j = json_loadb(q->buf, (size_t)(nl - q->buf), 0, NULL);
			size_t used = (size_t)(nl - q->buf) + 1;

			memmove(q->buf, q->buf + used, q->len - used);
			q->len -= used;
			if (j && !json_object_get(j, "event"))
				return j;
			json_decref(j);
			continue;
		}
		if (q->len == sizeof(q->buf) || now_ns() > q->deadline_ns)
			return NULL;
		{
			ssize_t r = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);

			if (r <= 0)
				return NULL;
			q->len += (size_t)r;
		}
	}
}

/* Send one command; its "return" (a new reference), or NULL with err. */
static json_t *qmp_cmd(struct qmp *q, const char *cmd, json_t *args, char *err, size_t errlen)
{
	json_t *c = json_pack("{s:s}", "execute", cmd), *r, *ret;
	char *text;
	size_t tl;

	if (args)
		json_object_set_new(c, "arguments", args);
	text = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	if (!text)
		return NULL;
	tl = strlen(text);
	text[tl] = '\n'; /* json_dumps' NUL: the line's end */
	if (write(q->fd, text, tl + 1) != (ssize_t)(tl + 1)) {
		free(text);
		snprintf(err, errlen, "QMP %s: %s", cmd, strerror(errno));
		return NULL;
	}
	free(text);
	r = qmp_reply(q);
	ret = r ? json_object_get(r, "return") : NULL;
	if (!ret) {
		json_t *d = r ? json_object_get(json_object_get(r, "error"), "desc") : NULL;

		snprintf(err, errlen, "QMP %s: %s", cmd,
			 d ? json_string_value(d) : "no reply (QEMU gone, or timed out)");
		json_decref(r);
		return NULL;
	}
	json_incref(ret);
	json_decref(r);
	return ret;
}

int vm_qmp_save(const char *sock, const char *path, uint64_t deadline_ns, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp *q = calloc(1, sizeof(*q));
	struct timeval tv = { .tv_sec = 1 };
	_cleanup_free_ char *uri = NULL;
	json_t *r = NULL;
	int e = -EIO;

	if (!q)
		return -ENOMEM;
	q->deadline_ns = deadline_ns;
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strlen(sock) >= sizeof(sa.sun_path) || strchr(path, '\'')) {
		snprintf(err, errlen, "unusable path for QMP or the snapshot");
		e = -ENAMETOOLONG;
		goto out;
	}
	strcpy(sa.sun_path, sock);
	setsockopt(q->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = -errno;
		snprintf(err, errlen, "QMP %s: %s", sock, strerror(errno));
		goto out;
	}
	r = qmp_reply(q); /* the greeting: {"QMP": {...}} */
	if (!r) {
		snprintf(err, errlen, "QMP %s: no greeting", sock);
		goto out;
	}
	json_decref(r);
	r = qmp_cmd(q, "qmp_capabilities", NULL, err, errlen);
	if (!r)
		goto out;
	json_decref(r);
	/* QEMU 7.2 caps migration at 32 MiB/s by default: a ~100 MB guest
	 * would take 3 s to save instead of 0.07 */
	r = qmp_cmd(q, "migrate-set-parameters",
		    json_pack("{s:I}", "max-bandwidth", (json_int_t)(64LL << 30)), err, errlen);
	if (!r)
		goto out;
	json_decref(r);
	/* the guest runs on while it is saved (it only polls fw_cfg): a
	 * stopped source would restore stopped */
	if (asprintf(&uri, "exec:cat > '%s'", path) < 0) {
		e = -ENOMEM;
		goto out;
	}
	r = qmp_cmd(q, "migrate", json_pack("{s:s}", "uri", uri), err, errlen);
	if (!r)
		goto out;
	json_decref(r);
	for (;;) {
		const char *st;

		r = qmp_cmd(q, "query-migrate", NULL, err, errlen);
		if (!r)
			goto out;
		st = json_string_value(json_object_get(r, "status"));
		if (st && !strcmp(st, "completed")) {
			e = 0;
			break;
		}
		if (!st || !strcmp(st, "failed") || !strcmp(st, "cancelled") ||
		    now_ns() > deadline_ns || vm_interrupted) {
			json_t *d = json_object_get(r, "error-desc");

			snprintf(err, errlen, "migration %s%s%s", st ? st : "status unknown",
				 d ? ": " : "", d ? json_string_value(d) : "");
			break;
		}
		json_decref(r);
		r = NULL;
		sleep_ms(5);
	}
	json_decref(r);
	r = NULL;
out:
	json_decref(r);
	if (q->fd >= 0)
		close(q->fd);
	free(q);
	return e;
}
