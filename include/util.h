/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the worker and the harness: cleanup attributes,
 * size/duration parsing, monotonic time, logging.
 *
 * Library code does not print: it returns 0 or -errno and the caller logs
 * once, with context, through log_*().
 */
#ifndef OOMLAB_UTIL_H
#define OOMLAB_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB (1024ULL)
#define MIB (1024ULL * 1024)
#define GIB (1024ULL * 1024 * 1024)

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Take ownership out of a cleanup variable. */
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _fd = (fd); \
		(fd) = -1;      \
		_fd;            \
	})

/*
 * "4096", "100M", "1.5G", "64k", "2GiB" -> bytes (binary units, case-
 * insensitive, optional "B"/"iB" suffix). -EINVAL on anything else
 * (e.g. "12XB"), -ERANGE on overflow.
 */
int parse_size(const char *s, uint64_t *ret_bytes);
/* "30s", "500ms", "2m", "1h", bare number = seconds -> milliseconds. */
int parse_duration_ms(const char *s, uint64_t *ret_ms);
/* Strict base-10 integer in [min, max]. */
int parse_int(const char *s, long min, long max, long *ret);
/* "100M" style for humans; buf must hold 16 bytes. */
const char *format_size(uint64_t bytes, char buf[static 16]);

uint64_t now_ns(void); /* CLOCK_MONOTONIC */
void sleep_ms(unsigned ms);

/* Read a whole small file (/proc, /sys) into a NUL-terminated buffer. */
int read_file_str(const char *path, char **ret);
/* Write a string to an existing file (sysfs, cgroupfs, /proc). */
int write_file_str(const char *path, const char *s);
/* The keyed-file reader: "key value\n" files (memory.events,
 * memory.oom_control, /proc/vmstat) and "Key: value" ones (/proc/meminfo,
 * /proc/PID/status). keyed_find returns the value in text (blanks after
 * the key skipped, *ret_len up to the line's end) or NULL. */
const char *keyed_find(const char *text, const char *key, size_t *ret_len);
int read_keyed_u64(const char *path, const char *key, uint64_t *ret);

/* Is word one of the sep-separated tokens of list ("rw,memory", "cpu memory")? */
bool has_token(const char *list, const char *word, const char *sep);

/* Logging: to stderr, prefixed with the program name. r is -errno or 0. */
extern const char *log_progname;
extern int log_verbose;
void log_err(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
