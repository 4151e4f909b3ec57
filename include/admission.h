/* SPDX-License-Identifier: MIT */
/*
 * admission: a job of a suite waits, before anything starts, until the
 * machine has the memory that job may take (`oomlab run --wait-memfree
 * SIZE`, `oomlab vm run --wait-memfree SIZE`). GNU parallel's --memfree is
 * one threshold for every job, so a suite with one large profile held every
 * small one back until the large one's need was free; the suite now gives
 * parallel the smallest job's need and each job its own.
 *
 * Jobs of one suite started together would each see the same free memory
 * before any of them took it, so they share a ledger (the suite's
 * D/admission, named by $OOMLAB_ADMISSION): under flock(2), a job is
 * admitted only if MemAvailable covers its need plus the needs of the
 * ledger's other jobs still alive, and then writes its own line. A job's
 * need stays reserved until it exits, also once its memory is taken and no
 * longer in MemAvailable: admission errs on the side of waiting.
 */
#ifndef OOMLAB_ADMISSION_H
#define OOMLAB_ADMISSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define ADMISSION_ENV "OOMLAB_ADMISSION"

struct admission_view {
	uint64_t need;	    /* this job's */
	uint64_t available; /* MemAvailable when last asked */
	uint64_t reserved;  /* the needs of the ledger's other live jobs */
	unsigned jobs;	    /* how many they are */
};

/*
 * The ledger's text ("PID NEED_BYTES" a line): the sum of the needs of the
 * lines whose PID is alive (alive(pid)) and is not self. Lines that do not
 * parse are skipped (a writer killed mid-line). Pure.
 */
void admission_reserved(const char *text, pid_t self, bool (*alive)(pid_t), uint64_t *ret_reserved,
			unsigned *ret_jobs);

/*
 * One attempt: under an exclusive flock of ledger (NULL: no ledger, MemAvailable
 * alone decides), the live jobs' reservations, and if available covers need
 * plus them, this process's line appended (dead jobs' lines dropped).
 * 1 admitted, 0 not yet (ret_view says why), -errno; 2 admitted short:
 * with a ledger and no other live job in it, nothing the suite runs can
 * free what is missing (someone else holds it), so the job starts and its
 * own preflight decides (a host run SKIPs a limit the machine cannot hold).
 */
int admission_try(const char *ledger, uint64_t need, uint64_t available,
		  struct admission_view *ret_view);

/*
 * Wait until admitted: MemAvailable from proc/meminfo, asked every
 * poll_ms. on_wait (may be NULL) is called once, at the first refusal, so
 * the caller can say that it waits and why. Returns 0 with ret_admitted
 * (admission_try's 1 or 2) and ret_waited_ms (either may be NULL), -EINTR
 * when *interrupted became non-zero, -errno.
 */
int admission_wait(const char *proc, const char *ledger, uint64_t need, unsigned poll_ms,
		   volatile sig_atomic_t *interrupted,
		   void (*on_wait)(const struct admission_view *v, void *arg), void *arg,
		   int *ret_admitted, uint64_t *ret_waited_ms);

#endif
