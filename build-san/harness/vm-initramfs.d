build-san/harness/vm-initramfs.o: harness/vm-initramfs.c include/util.h \
 include/vm.h
include/util.h:
include/vm.h:
