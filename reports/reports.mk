# reports/reports.mk — report generation: the EOL certificates, index.html
# and summary, from templates built into the library. Included by the top
# Makefile before rig/rig.mk (the rig links it).
#
# For others:
#   REPORTS_LIB     $(BUILD)/reports/libreports.a
#   REPORTS_TESTS   the test binaries ($(BUILD)/reports/tests/...)
# JUnit XML comes from Criterion (--xml), which every suite binary writes.

REPORTS_SRCS := $(wildcard reports/src/*.c)
REPORTS_OBJS := $(patsubst reports/src/%.c,$(BUILD)/reports/%.o,$(REPORTS_SRCS))
REPORTS_TEMPLATES := $(wildcard reports/templates/*)
REPORTS_TEMPLATES_C := $(BUILD)/reports/templates.c
REPORTS_LIB := $(BUILD)/reports/libreports.a
REPORTS_CFLAGS := -Ireports/include -Ireports/src
REPORTS_TEST_SRCS := $(wildcard reports/tests/test_*.c)
REPORTS_TESTS := $(patsubst reports/tests/%.c,$(BUILD)/reports/tests/%,$(REPORTS_TEST_SRCS))

# Each template becomes one C string named after its file
# (eol-index.html -> report_template_eol_index_html).
$(REPORTS_TEMPLATES_C): $(REPORTS_TEMPLATES) reports/reports.mk
	@mkdir -p $(dir $@)
	@{ echo '/* generated from reports/templates/ by reports/reports.mk: do not edit */'; \
	  for t in $(REPORTS_TEMPLATES); do \
	    name=$$(basename $$t | tr -c 'a-zA-Z0-9\n' '_'); \
	    echo "const char report_template_$$name[] ="; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $$t; \
	    echo '    ;'; \
	  done; } > $@.tmp && mv $@.tmp $@

$(BUILD)/reports/%.o: reports/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(REPORTS_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/reports/templates.o: $(REPORTS_TEMPLATES_C)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(REPORTS_LIB): $(REPORTS_OBJS) $(BUILD)/reports/templates.o
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/reports/tests/%: reports/tests/%.c $(REPORTS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(REPORTS_CFLAGS) $(shell $(PKG_CONFIG) --cflags criterion) -MMD -MP \
	    $(HOST_LDFLAGS) -o $@ $< $(REPORTS_LIB) $(shell $(PKG_CONFIG) --libs criterion) -lm

-include $(REPORTS_OBJS:.o=.d) $(REPORTS_TESTS:=.d)
