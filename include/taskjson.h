/* SPDX-License-Identifier: MIT */
/*
 * The badness model's inputs as JSON: results carry each worker's
 * task_mem ("model_input"), so any era's model can be replayed later on a
 * result file — a host run, or one that came back from a VM guest.
 */
#ifndef OOMLAB_TASKJSON_H
#define OOMLAB_TASKJSON_H

#include <jansson.h>

#include "badness.h"

json_t *task_mem_to_json(const struct task_mem *t);
/* 0, or -EINVAL when o is not such an object; *ret untouched then. */
int task_mem_from_json(const json_t *o, struct task_mem *ret);

#endif
