// SPDX-License-Identifier: MIT
/*
 * Integration check for kmsg: write an oomlab marker to the real /dev/kmsg
 * and read it back through the reader (opened at the end, as the harness
 * does before a trigger). Built and run by kmsg-marker.sh.
 */
#include <poll.h>
#include <string.h>
#include <time.h>

#include "kmsg.h"
#include "util.h"

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/kmsg";
	struct kmsg_reader *r = NULL;
	char text[64];
	uint64_t deadline;
	int k;

	snprintf(text, sizeof(text), "kmsg-marker %d %llu", (int)getpid(),
		 (unsigned long long)now_ns());
	k = kmsg_open(dev, true, &r);
	if (k < 0) {
		log_err(k, "cannot open %s", dev);
		return 1;
	}
	k = kmsg_write_marker(dev, text);
	if (k < 0) {
		log_err(k, "cannot write a marker to %s", dev);
		kmsg_close(r);
		return 1;
	}
	deadline = now_ns() + 2000000000ULL;
	while (now_ns() < deadline) {
		struct pollfd pfd = { .fd = kmsg_fd(r), .events = POLLIN };
		struct kmsg_record rec;
		struct oom_event ev;

		k = kmsg_next(r, &rec);
		if (k == -EAGAIN) {
			poll(&pfd, 1, 100);
			continue;
		}
		if (k == -EPIPE)
			continue;
		if (k < 0) {
			log_err(k, "cannot read %s", dev);
			break;
		}
		if (oom_parse_line(rec.msg, &ev) == 1 && ev.type == OOM_EV_MARKER &&
		    strcmp(ev.marker, text) == 0) {
			printf("ok: marker read back: seq %llu prio %d usec %llu lost %llu\n",
			       (unsigned long long)rec.seq, rec.prio, (unsigned long long)rec.usec,
			       (unsigned long long)kmsg_lost(r));
			kmsg_close(r);
			return 0;
		}
	}
	fprintf(stderr, "FAIL: marker \"%s\" not read back within 2 s\n", text);
	kmsg_close(r);
	return 1;
}
