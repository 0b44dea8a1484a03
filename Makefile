# nqx: Vietnamese resolution documents -> XML records of their targets.
#
#   make            build build/nqx and build/libnqx.a
#   make run        install what is missing, build, convert a bundled sample
#   make check      every test: unit suites, rule examples, corpus records,
#                   schema, variants, command line, pathological inputs; then
#                   all of it again under ASan+UBSan. CASES="NAME ..." runs
#                   only those corpus cases.
#   make golden     rewrite corpus/*.xml from the program (review the diff!)
#   make eval       precision/recall on corpus/heldout (never tuned on)
#   make bench      MB/s on a large input built from the corpus, next to uconv
#   make leakcheck  the CLI over the corpus under valgrind
#   make browser    the HTML view of the corpus in headless chromium
#   make po         refresh po/nqx.pot and merge it into po/*.po
#   make fuzz       libFuzzer on the whole pipeline (clang; FUZZ_SECONDS=60)
#   make asan | format | install | uninstall | clean

PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/nqx
BINDIR  ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = icu-uc icu-i18n libpcre2-8 libxml-2.0 nettle libzip libgsf-1
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
DEFS     = -D_POSIX_C_SOURCE=200809L -DNQX_VERSION='"$(VERSION)"' \
           -DNQX_DATADIR='"$(DATADIR)"' -DNQX_SRCDIR='"$(CURDIR)"' \
           -DNQX_LOCALEDIR='"$(LOCALEDIR)"' -DNQX_BUILD_LOCALEDIR='"$(abspath $(BUILD))/locale"'
ALL_CFLAGS = $(WARN) $(DEFS) -I. $(PKG_CFLAGS) $(CFLAGS)
LIBS     = $(PKG_LIBS) -lpthread

LIB_SRC  = $(wildcard model/*.c extract/*.c normalize/*.c rules/*.c output/*.c check/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  = $(BUILD)/obj/cli/main.o
HEADERS  = $(wildcard model/*.h extract/*.h normalize/*.h rules/*.h output/*.h check/*.h \
             tests/*.h)

TESTS    = number normalize extract encoding containers rules targets dates bodies output \
           variants pathological cli check
TEST_BINS = $(TESTS:%=$(BUILD)/tests/test_%) $(BUILD)/tests/eval_targets \
            $(BUILD)/tests/bench_stages \
            $(BUILD)/tests/eval_records

SANITIZE = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
export ASAN_OPTIONS  = detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1

.PHONY: all deps run check build-tests test corpus browser golden eval bench asan leakcheck fuzz format \
        install uninstall clean po

# Message catalogs (gettext): po/LANG.po -> $(BUILD)/locale/LANG/LC_MESSAGES/nqx.mo,
# where an uninstalled build/nqx finds them.
LINGUAS  = vi
MO_FILES = $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/nqx.mo)

all: $(BUILD)/nqx $(BUILD)/libnqx.a $(MO_FILES)

$(BUILD)/locale/%/LC_MESSAGES/nqx.mo: po/%.po
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  MSGFMT  $@")
	$(Q)msgfmt --check -o $@ $<

# Refreshes po/nqx.pot from the sources and merges it into each po/LANG.po.
po:
	xgettext --keyword=_ --from-code=UTF-8 --language=C --add-comments \
	    --package-name=nqx --package-version=$(VERSION) -o po/nqx.pot check/*.c
	for l in $(LINGUAS); do msgmerge -q -U --backup=none po/$$l.po po/nqx.pot; done

# V=1 shows the commands.
Q = $(if $(V),,@)

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libnqx.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/nqx: $(CLI_OBJ) $(BUILD)/libnqx.a
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libnqx.a $(HEADERS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libnqx.a $(LIBS) \
	    $(CMOCKA_LIBS)

deps:
	@./scripts/deps.sh

SAMPLE = corpus/000_4aaa128fdcdd808e.txt

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/nqx convert $(SAMPLE)

# ---- Tests ------------------------------------------------------------------

ifeq ($(CASES),)
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory browser
	@echo "== again under ASan+UBSan"
	@$(MAKE) --no-print-directory test BUILD=build/asan CFLAGS="$(SANITIZE)" \
	    LDFLAGS="$(SANITIZE)"
	@echo "== built with clang (its warnings are errors too)"
	@$(MAKE) --no-print-directory build-tests BUILD=build/clang CC=clang
	@echo "== make check: all passed"
else
check: deps
	@$(MAKE) --no-print-directory corpus
endif

build-tests: all $(TEST_BINS)

test: all $(TEST_BINS)
	@for t in $(TESTS); do \
	    echo "== $$t"; NQX_BIN=$(BUILD)/nqx $(BUILD)/tests/test_$$t || exit 1; \
	done
	@echo "== rule examples"; $(BUILD)/nqx rules test
	@$(MAKE) --no-print-directory corpus
	@echo "== README"; NQX=$(BUILD)/nqx ./tests/run-readme.sh

corpus: all $(BUILD)/tests/eval_targets
	@echo "== corpus"
	@NQX=$(BUILD)/nqx EVAL=$(BUILD)/tests/eval_targets CASES="$(CASES)" ./tests/run-corpus.sh

# The HTML view of every corpus document, rendered by a headless browser.
browser: all
	@echo "== HTML view in a browser"
	@NQX=$(BUILD)/nqx ./tests/run-browser.sh

asan:
	@$(MAKE) --no-print-directory test BUILD=build/asan CFLAGS="$(SANITIZE)" \
	    LDFLAGS="$(SANITIZE)"

# Rewrites the expected records; cases marked NAME.known-bug keep their
# hand-corrected record. Review with git diff before committing.
golden: all
	@for txt in corpus/*.txt; do \
	    name=$${txt%.txt}; \
	    if [ -f $$name.known-bug ]; then echo "kept $$name.xml (known bug)"; continue; fi; \
	    $(BUILD)/nqx convert -q $$txt > $$name.xml || exit 1; \
	done

HELDOUT = $(wildcard corpus/heldout/*.txt corpus/heldout6/*.txt corpus/heldout7/*.txt corpus/heldout8/*.txt \
            corpus/heldout9/*.txt corpus/heldout10/*.txt)
eval: all $(BUILD)/tests/eval_targets $(BUILD)/tests/eval_records
	@echo "== tuning corpus (the rules were written against these)"
	@$(BUILD)/tests/eval_targets $(wildcard corpus/*.txt) | tail -n 1
	@$(BUILD)/tests/eval_records $(wildcard corpus/*.txt)
	@echo "== held-out documents (never tuned on)"
	@$(BUILD)/tests/eval_targets -v $(HELDOUT)
	@$(BUILD)/tests/eval_records $(HELDOUT)
	@echo "== nqx check on drafts with planted problems (never tuned on)"
	@NQX=$(BUILD)/nqx ./tests/measure-planted.sh

bench: deps all $(BUILD)/tests/bench_stages
	@./scripts/bench.sh $(BUILD)/nqx $(BUILD)/tests/bench_stages

leakcheck: all
	@command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 2; }
	@for txt in corpus/*.txt tests/fixtures/*.doc; do \
	    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	        --error-exitcode=1 $(BUILD)/nqx convert -q $$txt > /dev/null || exit 1; \
	    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	        --error-exitcode=1 $(BUILD)/nqx convert -q --format html $$txt > /dev/null || exit 1; \
	done
	@# check exits 1 when a draft has an error: valgrind's own status is 99
	@valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 $(BUILD)/nqx check --lang vi corpus/*.txt tests/drafts/*.txt \
	    > /dev/null; test $$? -le 1
	@valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=1 $(BUILD)/nqx rules test > /dev/null
	@echo "leakcheck: no leaks, no errors"

FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" \
	    build/fuzz/libnqx.a
	clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o build/fuzz/fuzz_pipeline \
	    tests/fuzz_pipeline.c build/fuzz/libnqx.a $(LIBS)
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_pipeline -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -timeout=10 build/fuzz/corpus corpus

# ---- Install, format, clean ----------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/charmaps
	install -m 755 $(BUILD)/nqx $(DESTDIR)$(BINDIR)/nqx
	install -m 644 rules/*.rules $(DESTDIR)$(DATADIR)/rules/
	install -m 644 extract/charmaps/*.map $(DESTDIR)$(DATADIR)/charmaps/
	install -m 644 output/nqx-record-1.xsd $(DESTDIR)$(DATADIR)/
	for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/nqx.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nqx $(DESTDIR)$(DATADIR)/nqx-record-1.xsd
	rm -rf $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/charmaps
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/nqx.mo; done

format:
	clang-format -i $(wildcard */*.c */*.h)

clean:
	rm -rf build
