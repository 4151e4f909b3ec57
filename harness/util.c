// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "util.h"

const char *log_progname = "oomlab";
int log_verbose;

/*
 * A plain decimal: digits with an optional fraction. strtod() alone would
 * also take "0x10", "1e3", "infinity" and a sign, none of which a size or
 * a duration in a profile should be. *ret_end points after the number.
 */
static int scan_decimal(const char *s, char buf[static 32], bool *ret_frac, const char **ret_end)
{
	const char *p = s;
	bool frac = false;

	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		frac = true;
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (p == s || (frac && p == s + 1))
		return -EINVAL;
	if (p - s >= 32)
		return -ERANGE;
	memcpy(buf, s, (size_t)(p - s));
	buf[p - s] = 0;
	*ret_frac = frac;
	*ret_end = p;
	return 0;
}

int parse_size(const char *s, uint64_t *ret_bytes)
{
	const char *end;
	char num[32];
	bool frac;
	uint64_t mult = 1, n;
	int r;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	r = scan_decimal(s, num, &frac, &end);
	if (r < 0)
		return r;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = KIB;
		end++;
		break;
	case 'm':
		mult = MIB;
		end++;
		break;
	case 'g':
		mult = GIB;
		end++;
		break;
	case 't':
		mult = GIB * 1024;
		end++;
		break;
	default:
		break;
	}
	/* optional "B" or "iB" after a unit, "B" alone after a number */
	if (mult > 1 && tolower((unsigned char)end[0]) == 'i' &&
	    tolower((unsigned char)end[1]) == 'b')
		end += 2;
	else if (tolower((unsigned char)*end) == 'b')
		end++;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	if (frac) {
		double v = strtod(num, NULL);

		/* a fraction of a byte makes no sense for a bare number */
		if (mult == 1 && v != floor(v))
			return -EINVAL;
		if (v * (double)mult >= 18446744073709551615.0)
			return -ERANGE;
		*ret_bytes = (uint64_t)(v * (double)mult);
		return 0;
	}
	/* integers exactly: a double loses bytes above 2^53 */
	errno = 0;
	n = strtoull(num, NULL, 10);
	if (errno == ERANGE || __builtin_mul_overflow(n, mult, &n))
		return -ERANGE;
	*ret_bytes = n;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *ret_ms)
{
	const char *end;
	char num[32];
	bool frac;
	double v, mult = 1000;
	int r;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	r = scan_decimal(s, num, &frac, &end);
	if (r < 0)
		return r;
	v = strtod(num, NULL);
	if (!strncmp(end, "ms", 2)) {
		mult = 1;
		end += 2;
	} else if (*end == 's') {
		end++;
	} else if (*end == 'm') {
		mult = 60000;
		end++;
	} else if (*end == 'h') {
		mult = 3600000;
		end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	if (v * mult > 1e15)
		return -ERANGE;
	*ret_ms = (uint64_t)(v * mult + 0.5);
	return 0;
}

int parse_int(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

const char *format_size(uint64_t b, char buf[static 16])
{
	if (b >= GIB && b % (GIB / 10) == 0)
		snprintf(buf, 16, "%.1fG", (double)b / GIB);
	else if (b >= MIB)
		snprintf(buf, 16, "%.1fM", (double)b / MIB);
	else if (b >= KIB)
		snprintf(buf, 16, "%.1fK", (double)b / KIB);
	else
		snprintf(buf, 16, "%" PRIu64 "B", b);
	return buf;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int read_file_str(const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, len = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	return 0;
}

int write_file_str(const char *path, const char *s)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(s);
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

const char *keyed_find(const char *text, const char *key, size_t *ret_len)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n'), *v = line + klen;

		if (!strncmp(line, key, klen) && (*v == ' ' || *v == '\t' || *v == ':')) {
			if (*v == ':')
				v++;
			while (*v == ' ' || *v == '\t')
				v++;
			if (ret_len)
				*ret_len = nl ? (size_t)(nl - v) : strlen(v);
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int read_keyed_u64(const char *path, const char *key, uint64_t *ret)
{
	_cleanup_free_ char *buf = NULL;
	const char *v;
	char *end;
	uint64_t n;
	int r;

	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	v = keyed_find(buf, key, NULL);
	if (!v)
		return -ENOENT;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (end == v || errno)
		return -EINVAL;
	*ret = n;
	return 0;
}

static void vlog(const char *level, int r, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (r < 0)
		fprintf(stderr, "%s: %s%s: %s\n", log_progname, level, msg, strerror(-r));
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, level, msg);
}

void log_err(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", r, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", 0, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", 0, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", 0, fmt, ap);
	va_end(ap);
}

bool has_token(const char *list, const char *word, const char *sep)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, sep);

		if (n == wl && !strncmp(p, word, wl))
			return true;
		p += n;
		p += strspn(p, sep);
	}
	return false;
}
