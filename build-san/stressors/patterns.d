build-san/stressors/patterns.o: stressors/patterns.c include/util.h \
 include/pattern.h include/scoreboard.h include/hist.h
include/util.h:
include/pattern.h:
include/scoreboard.h:
include/hist.h:
