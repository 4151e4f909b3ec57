build-san/harness/hist.o: harness/hist.c include/hist.h
include/hist.h:
