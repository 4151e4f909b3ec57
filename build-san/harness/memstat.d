build-san/harness/memstat.o: harness/memstat.c include/memstat.h \
 include/util.h
include/memstat.h:
include/util.h:
