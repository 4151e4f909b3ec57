build-san/harness/results.o: harness/results.c include/results.h \
 include/run.h include/badness.h include/cgroup.h include/kmsg.h \
 include/profile.h include/taskjson.h include/util.h
include/results.h:
include/run.h:
include/badness.h:
include/cgroup.h:
include/kmsg.h:
include/profile.h:
include/taskjson.h:
include/util.h:
