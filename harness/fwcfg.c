// SPDX-License-Identifier: MIT
/* fw_cfg's file directory (include/fwcfg.h); the guest tool vm/fwcfg.c and
 * the unit test share it. */
#include <errno.h>
#include <string.h>

#include "fwcfg.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int fwcfg_dir_parse(const void *buf, size_t len, struct fwcfg_file *ret, unsigned max,
		    unsigned *ret_n)
{
	const unsigned char *p = buf;
	uint32_t n;

	if (len < 4)
		return -EINVAL;
	n = be32(p);
	if (n > (len - 4) / FWCFG_DIR_ENTRY)
		return -EINVAL;
	for (uint32_t i = 0; i < n && i < max; i++) {
		const unsigned char *e = p + 4 + (size_t)i * FWCFG_DIR_ENTRY;

		ret[i].size = be32(e);
		ret[i].select = (uint16_t)(e[4] << 8 | e[5]);
		memcpy(ret[i].name, e + 8, FWCFG_NAME_MAX);
		ret[i].name[FWCFG_NAME_MAX - 1] = '\0';
	}
	*ret_n = n;
	return 0;
}

const struct fwcfg_file *fwcfg_dir_find(const struct fwcfg_file *f, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}
