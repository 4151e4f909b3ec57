build-san/harness/claims.o: harness/claims.c include/badness.h \
 include/claims.h include/cli.h include/profile.h include/badness.h \
 include/run.h include/cgroup.h include/kmsg.h include/judge.h \
 include/results.h include/runner.h include/taskjson.h include/util.h
include/badness.h:
include/claims.h:
include/cli.h:
include/profile.h:
include/badness.h:
include/run.h:
include/cgroup.h:
include/kmsg.h:
include/judge.h:
include/results.h:
include/runner.h:
include/taskjson.h:
include/util.h:
