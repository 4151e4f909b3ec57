build-san/harness/cgroup.o: harness/cgroup.c include/cg-impl.h \
 include/cgroup.h include/util.h
include/cg-impl.h:
include/cgroup.h:
include/util.h:
