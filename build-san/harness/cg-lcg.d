build-san/harness/cg-lcg.o: harness/cg-lcg.c include/cg-impl.h \
 include/cgroup.h include/util.h
include/cg-impl.h:
include/cgroup.h:
include/util.h:
