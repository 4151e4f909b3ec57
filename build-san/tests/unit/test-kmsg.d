build-san/tests/unit/test-kmsg.o: tests/unit/test-kmsg.c include/kmsg.h \
 include/util.h
include/kmsg.h:
include/util.h:
