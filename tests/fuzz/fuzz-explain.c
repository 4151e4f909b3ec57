// SPDX-License-Identifier: MIT
/*
 * libFuzzer target over the whole explain path: bytes -> input layer
 * (prefixes, journal JSON/export, joining, ordering) -> assembler -> model
 * check -> JSON and table. Build and run: make fuzz FUZZ_SECONDS=60.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_report(const struct oom_report *r, void *arg)
{
	FILE *out = arg;
	json_t *o = explain_report_json(r);

	json_dumpf(o, out, JSON_COMPACT);
	json_decref(o);
	explain_report_print(r, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	struct explain_stats st = { 0 };
	struct oom_assembler *a = NULL;
	size_t off = 0;
	int fd;

	if (!out)
		out = fopen("/dev/null", "w");
	/* the reader takes an fd, as for a file or stdin */
	fd = memfd_create("fuzz-explain", MFD_CLOEXEC);
	if (fd < 0 || !out)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	if (oom_asm_new(OOM_ERA_AUTO, on_report, out, &a) == 0) {
		explain_read_fd(fd, a, &st);
		oom_asm_free(a);
	}
	close(fd);
	return 0;
}
