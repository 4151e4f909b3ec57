/* SPDX-License-Identifier: MIT */
/*
 * File I/O the harness does in more than one place: a bounded line reader,
 * mkdir -p, the one atomic (fsyncing) file writer, and where our own
 * binary lives. Small-file readers shared with the worker (read_file_str,
 * write_file_str, the keyed reader read_keyed_u64/keyed_find) stay in
 * util.h, which the worker links.
 */
#ifndef OOMLAB_FILEIO_H
#define OOMLAB_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Lines of a FILE, one at a time, never more than max_len bytes each: a
 * file without newlines (/dev/zero) fails with -E2BIG after max_len bytes
 * instead of growing until memory runs out. The newline (and a CR before
 * it) is stripped; lineno counts from 1.
 */
struct line_reader {
	FILE *f;
	char *buf;
	size_t cap, max_len;
	unsigned lineno;
	bool own; /* opened by line_reader_open: closed by line_reader_done */
};

/* Read path; -errno if it cannot be opened; -EISDIR for a directory. */
int line_reader_open(struct line_reader *lr, const char *path, size_t max_len);
/* Read an open FILE (not closed by line_reader_done). */
void line_reader_init(struct line_reader *lr, FILE *f, size_t max_len);
/* 1 with *ret_line (valid until the next call) and *ret_len, 0 at EOF,
 * -E2BIG for a line longer than max_len, -errno on a read error. */
int line_read(struct line_reader *lr, char **ret_line, size_t *ret_len);
void line_reader_done(struct line_reader *lr);

/*
 * A command's PROFILE|DIR argument: append arg to the growing array *v of
 * *nv strings (each the caller's, freed with paths_free), as it is when it
 * is not a directory (a missing file too: the profile parser reports it),
 * or a directory's *.ini files ("DIR/NAME.ini"), sorted by name. Returns
 * how many were added (0: a directory without *.ini; what that means is
 * the caller's to say), or -errno with *v and *nv as they were.
 */
int ini_paths_add(const char *arg, char ***v, size_t *nv);
void paths_free(char **v, size_t n);
/* A profile's name: its path's last component without ".ini", into buf
 * (truncated to len); returns buf. */
const char *ini_stem(const char *path, char *buf, size_t len);

/* mkdir -p with mode for each created component; an existing directory is
 * fine, an existing non-directory is -ENOTDIR. */
int mkdir_p(const char *path, mode_t mode);
/* "PATH INODE SIZE MTIME.NSEC": a file's identity, what a rebuild or an
 * upgrade (a new file, or new contents) changes. -errno if stat fails. */
int file_identity(const char *path, char *buf, size_t len);
/* A copy of the text file src at dst, replaced atomically (write_atomic). */
int copy_file_atomic(const char *src, const char *dst, mode_t mode);
/*
 * A cache directory of KEY+ext files (KEY: key_len characters) kept to the
 * keep newest by mtime: the others go, each with its KEY+companion file
 * (companion may be NULL). Other files are left alone.
 */
void dir_prune(const char *dir, size_t key_len, const char *ext, const char *companion,
	       unsigned keep);

/*
 * Write a file so that a reader sees the old file or the complete new one,
 * never a prefix: a temp file in the same directory (rename is atomic only
 * within one filesystem), fchmod(mode), fsync before the rename (else a
 * crash can leave the new name on an empty file, ext4/xfs), then fsync the
 * directory so the rename itself is durable. The temp file is unlinked on
 * every failure path.
 *
 * fill writes the content to f and returns 0 or -errno.
 */
typedef int (*write_fill_fn)(FILE *f, const void *arg);
/* Replace path if it exists. */
int write_atomic(const char *path, mode_t mode, write_fill_fn fill, const void *arg);
/* Never replace: link() instead of rename(), -EEXIST if path exists (so
 * two writers can never overwrite each other's file). */
int write_atomic_new(const char *path, mode_t mode, write_fill_fn fill, const void *arg);
/*
 * Never replace, never fail for a name taken: dir/stem+ext, else
 * dir/stem-2+ext, -3, ... (each taken with link()). ret_path (may be NULL)
 * gets the name written. -EEXIST only after WRITE_UNIQUE_MAX names.
 */
#define WRITE_UNIQUE_MAX 10000
int write_atomic_unique(const char *dir, const char *stem, const char *ext, mode_t mode,
			write_fill_fn fill, const void *arg, char **ret_path);
/* A buffer as the content (fill for write_atomic*: arg is a struct wbuf). */
struct wbuf {
	const void *data;
	size_t len;
};
int write_fill_buf(FILE *f, const void *arg);

/*
 * Check, before anything starts, that files can be created in dir: it is a
 * directory we can create a file in (tried, not guessed: access() says yes
 * to root on /proc). may_create: a missing dir is fine if its nearest
 * existing ancestor passes (mkdir_p makes the rest). -errno otherwise
 * (ENOTDIR, ENOENT, EACCES, EROFS).
 */
int check_output_dir(const char *dir, bool may_create);
/* The same for a file: path's directory as above, and path itself, if it
 * exists, a regular file (-EISDIR for a directory, -EINVAL for a device or
 * FIFO, which the final rename() would replace). */
int check_output_file(const char *path, bool dir_may_be_created);

/* /proc/self/exe, and the directory holding it. */
int self_exe(char **ret);
int self_exe_dir(char **ret);

#endif
