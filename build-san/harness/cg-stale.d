build-san/harness/cg-stale.o: harness/cg-stale.c include/cg-impl.h \
 include/cgroup.h include/procfs.h include/util.h
include/cg-impl.h:
include/cgroup.h:
include/procfs.h:
include/util.h:
