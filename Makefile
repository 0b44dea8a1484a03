# nqx: Vietnamese resolution documents -> XML records of their targets.
#
#   make            build build/nqx and build/libnqx.a
#   make run        install what is missing, build, convert a bundled sample
#   make check      every test: unit suites, rule examples, corpus records,
#                   schema, command line, pathological inputs; then all of it
#                   again under ASan+UBSan.  CASES=NAME runs one corpus case.
#   make golden     rewrite corpus/*.xml from the program (review the diff!)
#   make eval       precision/recall on corpus/heldout (never tuned on)
#   make bench      MB/s on a large input built from the corpus
#   make asan | leakcheck | fuzz | format | install | clean

PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/nqx
BINDIR  ?= $(PREFIX)/bin
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = icu-uc icu-i18n libpcre2-8 libxml-2.0 nettle
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
DEFS     = -D_POSIX_C_SOURCE=200809L -DNQX_VERSION='"$(VERSION)"' \
           -DNQX_DATADIR='"$(DATADIR)"' -DNQX_SRCDIR='"$(CURDIR)"'
ALL_CFLAGS = $(WARN) $(DEFS) -I. $(PKG_CFLAGS) $(CFLAGS)
LIBS     = $(PKG_LIBS) -lpthread

LIB_SRC  = $(wildcard model/*.c extract/*.c normalize/*.c rules/*.c output/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  = $(BUILD)/obj/cli/main.o
HEADERS  = $(wildcard model/*.h extract/*.h normalize/*.h rules/*.h output/*.h)

.PHONY: all deps run check test unit rules-test corpus cli-test golden eval bench \
        asan leakcheck fuzz format install uninstall clean

all: $(BUILD)/nqx $(BUILD)/libnqx.a

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libnqx.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/nqx: $(CLI_OBJ) $(BUILD)/libnqx.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

deps:
	@./scripts/deps.sh

SAMPLE = corpus/000_4aaa128fdcdd808e.txt

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/nqx convert $(SAMPLE)

clean:
	rm -rf build

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules
	install -m 755 $(BUILD)/nqx $(DESTDIR)$(BINDIR)/nqx
	install -m 644 rules/*.rules $(DESTDIR)$(DATADIR)/rules/
	install -m 644 output/nqx-record-1.xsd $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nqx $(DESTDIR)$(DATADIR)/nqx-record-1.xsd
	rm -rf $(DESTDIR)$(DATADIR)/rules

format:
	clang-format -i $(wildcard */*.c */*.h)

# ---- Tests and measurements -------------------------------------------------

TEST_CFLAGS = $(ALL_CFLAGS) $(CMOCKA_CFLAGS)
$(BUILD)/tests/%: tests/%.c $(BUILD)/libnqx.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libnqx.a $(LIBS) $(CMOCKA_LIBS)

HELDOUT = $(wildcard corpus/heldout/*.txt)
eval: $(BUILD)/tests/eval_targets
	@echo "== tuning corpus"; $(BUILD)/tests/eval_targets $(wildcard corpus/*.txt) | tail -1
	@echo "== held-out documents (never tuned on)"
	@$(BUILD)/tests/eval_targets -v $(HELDOUT)
