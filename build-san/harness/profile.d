build-san/harness/profile.o: harness/profile.c include/badness.h \
 include/pattern.h include/scoreboard.h include/hist.h include/profile.h \
 include/badness.h include/util.h
include/badness.h:
include/pattern.h:
include/scoreboard.h:
include/hist.h:
include/profile.h:
include/badness.h:
include/util.h:
