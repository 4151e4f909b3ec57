build-san/harness/kmsg.o: harness/kmsg.c include/kmsg.h include/util.h
include/kmsg.h:
include/util.h:
