build-san/harness/runner.o: harness/runner.c include/cgroup.h \
 include/kmsg.h include/pattern.h include/scoreboard.h include/hist.h \
 include/procfs.h include/runner.h include/badness.h include/profile.h \
 include/run.h include/cgroup.h include/kmsg.h include/scoreboard.h \
 include/spawn.h include/util.h include/verdict.h
include/cgroup.h:
include/kmsg.h:
include/pattern.h:
include/scoreboard.h:
include/hist.h:
include/procfs.h:
include/runner.h:
include/badness.h:
include/profile.h:
include/run.h:
include/cgroup.h:
include/kmsg.h:
include/scoreboard.h:
include/spawn.h:
include/util.h:
include/verdict.h:
