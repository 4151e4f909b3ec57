build-san/harness/explain.o: harness/explain.c include/explain.h \
 include/badness.h include/kmsg.h include/util.h
include/explain.h:
include/badness.h:
include/kmsg.h:
include/util.h:
