build-san/harness/explain-input.o: harness/explain-input.c \
 include/explain.h include/badness.h include/kmsg.h include/util.h
include/explain.h:
include/badness.h:
include/kmsg.h:
include/util.h:
