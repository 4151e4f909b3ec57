/* SPDX-License-Identifier: MIT */
/*
 * Readiness of a service worker (issue 8): the explicit checks a profile
 * may give, all of which must hold,
 *   ready_cmd  = CMD     exits 0 (run through the child API, polled)
 *   ready_port = N       a TCP connect to 127.0.0.1:N succeeds
 *   ready_log  = REGEX   a line of its output matches (POSIX ERE)
 * and the service's output kept in a memfd, so a service that exits before
 * it is ready is BROK with its last lines. (The size part of readiness,
 * the leaf memcg's usage, is the ramp's.)
 */
#ifndef OOMLAB_READY_H
#define OOMLAB_READY_H

#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile.h"

#define READY_CMD_EVERY_MS 200 /* a fork + exec per poll: not more often */
#define READY_CMD_TIMEOUT_MS 5000

struct ready {
	const struct worker_spec *spec;
	char *const *ready_argv; /* spec's ready_cmd with {workdir} expanded */
	int out_fd;		 /* the service's stdout+stderr (memfd), -1 */
	bool has_re;
	regex_t re;
	uint64_t scanned; /* bytes of out_fd looked at */
	bool cmd_ok, port_ok, log_ok;
	uint64_t next_cmd_ns;
};

/* Whether spec asks for any explicit readiness. */
bool ready_explicit(const struct worker_spec *spec);
/* Set up (compiles ready_log); argv: the expanded ready_cmd or NULL. */
int ready_init(struct ready *r, const struct worker_spec *spec, char *const *argv, int out_fd);
void ready_done(struct ready *r);
/*
 * One poll: 1 when every explicit check has held (each stays true once
 * it held), 0 not yet, -errno if a check could not run at all.
 */
int ready_poll(struct ready *r, const volatile sig_atomic_t *interrupted);

/* TCP connect to 127.0.0.1:port: 1 accepted, 0 refused/not yet. */
int ready_port_open(int port);
/*
 * Whether a complete line of buf[0..len) matches re (pure; for tests).
 * *ret_consumed: bytes up to the last newline looked at.
 */
bool ready_log_match(const regex_t *re, const char *buf, size_t len, size_t *ret_consumed);
/* The last n lines of fd's content (pread from 0) into buf, each prefixed
 * with prefix; "" when there is none. */
const char *ready_last_lines(int fd, unsigned n, const char *prefix, char *buf, size_t len);
/* Pure part of it, on a buffer. */
const char *ready_tail(const char *text, size_t tlen, unsigned n, const char *prefix, char *buf,
		       size_t len);

#endif
