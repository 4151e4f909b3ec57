build-san/harness/vm.o: harness/vm.c include/badness.h include/cli.h \
 include/profile.h include/badness.h include/run.h include/cgroup.h \
 include/kmsg.h include/profile.h include/results.h include/run.h \
 include/util.h include/vm.h
include/badness.h:
include/cli.h:
include/profile.h:
include/badness.h:
include/run.h:
include/cgroup.h:
include/kmsg.h:
include/profile.h:
include/results.h:
include/run.h:
include/util.h:
include/vm.h:
