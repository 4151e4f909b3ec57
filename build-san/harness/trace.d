build-san/harness/trace.o: harness/trace.c include/trace.h include/hist.h \
 include/util.h
include/trace.h:
include/hist.h:
include/util.h:
