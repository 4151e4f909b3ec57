build-san/harness/judge.o: harness/judge.c include/judge.h \
 include/badness.h include/profile.h include/pattern.h \
 include/scoreboard.h include/hist.h include/run.h include/cgroup.h \
 include/kmsg.h include/taskjson.h include/util.h
include/judge.h:
include/badness.h:
include/profile.h:
include/pattern.h:
include/scoreboard.h:
include/hist.h:
include/run.h:
include/cgroup.h:
include/kmsg.h:
include/taskjson.h:
include/util.h:
