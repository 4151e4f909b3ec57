build-san/harness/spawn.o: harness/spawn.c include/pattern.h \
 include/scoreboard.h include/hist.h include/scoreboard.h include/spawn.h \
 include/cgroup.h include/profile.h include/badness.h include/util.h
include/pattern.h:
include/scoreboard.h:
include/hist.h:
include/scoreboard.h:
include/spawn.h:
include/cgroup.h:
include/profile.h:
include/badness.h:
include/util.h:
