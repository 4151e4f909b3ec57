build-san/harness/verdict.o: harness/verdict.c include/verdict.h \
 include/run.h include/badness.h include/cgroup.h include/kmsg.h \
 include/profile.h include/util.h
include/verdict.h:
include/run.h:
include/badness.h:
include/cgroup.h:
include/kmsg.h:
include/profile.h:
include/util.h:
