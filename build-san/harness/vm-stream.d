build-san/harness/vm-stream.o: harness/vm-stream.c include/util.h \
 include/vm.h
include/util.h:
include/vm.h:
