build-san/harness/explain-event.o: harness/explain-event.c \
 include/explain.h include/badness.h include/kmsg.h include/util.h
include/explain.h:
include/badness.h:
include/kmsg.h:
include/util.h:
