build-san/harness/cg-detect.o: harness/cg-detect.c include/cg-impl.h \
 include/cgroup.h include/procfs.h include/util.h
include/cg-impl.h:
include/cgroup.h:
include/procfs.h:
include/util.h:
