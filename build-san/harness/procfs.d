build-san/harness/procfs.o: harness/procfs.c include/procfs.h \
 include/util.h
include/procfs.h:
include/util.h:
