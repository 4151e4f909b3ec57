/* SPDX-License-Identifier: MIT */
/*
 * QEMU's fw_cfg as the guest reads it (QEMU's docs/specs/fw_cfg.rst): the
 * host hands VM mode's per-run inputs (the profiles, the clock, a seed) to
 * the guest as fw_cfg files, which a guest restored from a boot snapshot
 * reads from the QEMU that restored it (vm/fwcfg.c, harness/vm-snap.c).
 *
 * The file directory (selector FW_CFG_FILE_DIR) is a big-endian u32 count,
 * then count entries of 64 bytes: be32 size, be16 select, u16 reserved,
 * char name[56] (NUL-terminated).
 */
#ifndef OOMLAB_FWCFG_H
#define OOMLAB_FWCFG_H

#include <stddef.h>
#include <stdint.h>

#define FWCFG_PORT_SEL 0x510  /* 16-bit selector (x86 I/O port) */
#define FWCFG_PORT_DATA 0x511 /* 8-bit data */
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR 0x0019
#define FWCFG_NAME_MAX 56
#define FWCFG_DIR_ENTRY 64

struct fwcfg_file {
	uint32_t size;
	uint16_t select;
	char name[FWCFG_NAME_MAX];
};

/* Parse a directory blob (count included) into at most max entries;
 * *ret_n gets the count the blob holds. -EINVAL if it is shorter than
 * its count says. */
int fwcfg_dir_parse(const void *buf, size_t len, struct fwcfg_file *ret, unsigned max,
		    unsigned *ret_n);
/* The entry named name among n, or NULL. */
const struct fwcfg_file *fwcfg_dir_find(const struct fwcfg_file *f, unsigned n, const char *name);

#endif
