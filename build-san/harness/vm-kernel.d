build-san/harness/vm-kernel.o: harness/vm-kernel.c include/util.h \
 include/vm.h
include/util.h:
include/vm.h:
