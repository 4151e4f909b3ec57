build-san/harness/run.o: harness/run.c include/run.h include/badness.h \
 include/cgroup.h include/kmsg.h include/profile.h include/util.h
include/run.h:
include/badness.h:
include/cgroup.h:
include/kmsg.h:
include/profile.h:
include/util.h:
