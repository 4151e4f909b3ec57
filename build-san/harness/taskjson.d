build-san/harness/taskjson.o: harness/taskjson.c include/taskjson.h \
 include/badness.h include/util.h
include/taskjson.h:
include/badness.h:
include/util.h:
