build-san/tests/unit/test-explain.o: tests/unit/test-explain.c \
 include/explain.h include/badness.h include/kmsg.h include/util.h
include/explain.h:
include/badness.h:
include/kmsg.h:
include/util.h:
