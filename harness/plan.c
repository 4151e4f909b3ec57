// SPDX-License-Identifier: MIT
/* plan: the profile's workers -> instances, and the kills the run waits for. */
#include <errno.h>
#include <stdio.h>

#include "plan.h"

int plan_build(const struct profile *p, struct run *r, unsigned *ret_kills_wanted)
{
	unsigned wanted = 0;

	for (unsigned w = 0; w < p->nworkers; w++) {
		const struct worker_spec *s = &p->workers[w];

		for (unsigned k = 1; k <= s->count; k++) {
			struct instance *in;

			if (r->ninst >= RUN_MAX_INSTANCES)
				return -E2BIG;
			in = &r->inst[r->ninst];
			in->spec = s;
			in->slot = r->ninst;
			in->pidfd = -1;
			in->kmsg_kill_idx = -1;
			if (s->count > 1)
				snprintf(in->name, sizeof(in->name), "%s.%u", s->name, k);
			else
				snprintf(in->name, sizeof(in->name), "%s", s->name);
			in->skip_ramp_wait = s->argv && !s->size;
			if (s->expect == EXPECT_KILLED || s->expect == EXPECT_KILLED_NTH)
				wanted++;
			r->ninst++;
		}
	}
	/* A profile with no kill expectation still wants to see one kill. */
	*ret_kills_wanted = wanted ? wanted : 1;
	return 0;
}
