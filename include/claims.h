/* SPDX-License-Identifier: MIT */
/* oomlab claims: run profiles/claims/ and tabulate CONFIRMED / REFUTED. */
#ifndef OOMLAB_CLAIMS_H
#define OOMLAB_CLAIMS_H

int claims_main(int argc, char **argv);

#endif
