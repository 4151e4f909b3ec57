build-san/harness/cli.o: harness/cli.c include/cli.h include/profile.h \
 include/badness.h include/run.h include/cgroup.h include/kmsg.h \
 include/util.h
include/cli.h:
include/profile.h:
include/badness.h:
include/run.h:
include/cgroup.h:
include/kmsg.h:
include/util.h:
