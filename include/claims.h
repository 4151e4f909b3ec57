/* SPDX-License-Identifier: MIT */
/* oomlab claims: run profiles/claims/ and tabulate CONFIRMED / REFUTED. */
#ifndef OOMLAB_CLAIMS_H
#define OOMLAB_CLAIMS_H

int claims_main(int argc, char **argv);
/* --vm --kernel A,B,...: every claim in a guest of each kernel (an oomlab
 * suite), printed as a claims x kernels table (claims-matrix.c). */
int claims_matrix(const char *dir, const char *kernels, unsigned repeat, const char *accel,
		  const char *md);

#endif
