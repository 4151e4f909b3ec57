build-san/harness/vm-qemu.o: harness/vm-qemu.c include/util.h \
 include/vm.h
include/util.h:
include/vm.h:
