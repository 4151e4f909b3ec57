// SPDX-License-Identifier: MIT
/* oomlab vm: placeholder until the VM modules land (same session). */
#include "util.h"
#include "vm.h"

int vm_main(int argc, char **argv)
{
	log_err(0, "oomlab vm: not implemented yet");
	return 2;
}
