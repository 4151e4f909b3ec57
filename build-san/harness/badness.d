build-san/harness/badness.o: harness/badness.c include/badness.h \
 include/util.h
include/badness.h:
include/util.h:
