build-san/harness/util.o: harness/util.c include/util.h
include/util.h:
