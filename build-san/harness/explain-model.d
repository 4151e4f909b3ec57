build-san/harness/explain-model.o: harness/explain-model.c \
 include/explain.h include/badness.h include/kmsg.h include/util.h
include/explain.h:
include/badness.h:
include/kmsg.h:
include/util.h:
