# mk/hub.mk — tanuki-hub (src/hub, docs/hub.md), included by the Makefile.
#
#   make hub          build/host/tanuki-hub
#   make hub-test     the hub's unit, fuzz and integration tests only
#
# The hub links src/common itself (not libtanuki.a, which carries the
# decoy). Its unit tests are tests/unit/hub_test_*.c, built as
# build/asan/test_hub_* so tests/run.py runs them with the others; its
# fuzz targets tests/fuzz/hub_fuzz_NAME.c become build/fuzz/fuzz_hub_NAME
# (corpus: tests/fuzz/corpus/hub_NAME): json (summary parser), form (the
# dashboard's form decoder and HTML escaper), geo (GeoIP databases: the
# operator's .mmdb files, damaged ones included), export (the exports'
# answer checks and request bodies).

HUB_INC    := -Isrc/common -Isrc/hub -I$(BUILD)/gen $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
HUB_LDLIBS := -lmicrohttpd -lgnutls -lsqlite3 -lpq -lmbedcrypto -lsodium -lyara -lmaxminddb -lcurl -lpthread
HUB_SRC    := $(filter-out src/hub/main.c,$(wildcard src/hub/*.c)) $(COMMON_SRC)
HUB_HDRS   := $(wildcard src/hub/*.h src/common/*.h)
HUB_UNIT   := $(patsubst tests/unit/hub_test_%.c,$(BUILD)/asan/test_hub_%,$(wildcard tests/unit/hub_test_*.c))
HUB_FUZZ   := $(BUILD)/fuzz/fuzz_hub_json $(BUILD)/fuzz/fuzz_hub_form $(BUILD)/fuzz/fuzz_hub_geo $(BUILD)/fuzz/fuzz_hub_export

HUB_HOST_OBJ := $(HUB_SRC:%.c=$(BUILD)/host/hub/%.o)
HUB_ASAN_OBJ := $(HUB_SRC:%.c=$(BUILD)/asan/hub/%.o)
HUB_FUZZ_OBJ := $(HUB_SRC:%.c=$(BUILD)/fuzz/hub/%.o)

# src/hub/rules/families.yar compiled into the hub (label.c) as a C array
$(BUILD)/gen/hub_rules.h: src/hub/rules/families.yar
	@mkdir -p $(dir $@)
	$(PYTHON) -c 'import sys; d = open(sys.argv[1], "rb").read(); \
print("static const char hub_rules[] = {" + ",".join(str(b) for b in d) + ",0};")' \
		$< > $@.tmp && mv $@.tmp $@
$(BUILD)/host/hub/src/hub/label.o $(BUILD)/asan/hub/src/hub/label.o \
$(BUILD)/fuzz/hub/src/hub/label.o: $(BUILD)/gen/hub_rules.h

$(BUILD)/host/hub/%.o: %.c $(HUB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(HUB_INC) -O2 -g -c $< -o $@

$(BUILD)/asan/hub/%.o: %.c $(HUB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(HUB_INC) -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined -c $< -o $@

$(BUILD)/fuzz/hub/%.o: %.c $(HUB_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(STD) $(HUB_INC) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -c $< -o $@

$(BUILD)/host/tanuki-hub: $(BUILD)/host/hub/src/hub/main.o $(HUB_HOST_OBJ)
	$(CC) -O2 -g $^ -o $@ $(HUB_LDLIBS)

$(BUILD)/asan/tanuki-hub: $(BUILD)/asan/hub/src/hub/main.o $(HUB_ASAN_OBJ)
	$(CC) -fsanitize=address,undefined $^ -o $@ $(HUB_LDLIBS)

$(BUILD)/asan/test_hub_%: tests/unit/hub_test_%.c $(HUB_ASAN_OBJ)
	$(CC) $(STD) $(WARN) $(HUB_INC) -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		$^ -o $@ $(HUB_LDLIBS) -lcmocka

$(BUILD)/fuzz/fuzz_hub_%: tests/fuzz/hub_fuzz_%.c $(HUB_FUZZ_OBJ)
	$(CLANG) $(STD) $(HUB_INC) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$^ -o $@ $(HUB_LDLIBS)

.PHONY: hub hub-test check-banned-hub
hub: $(BUILD)/host/tanuki-hub

check-banned-hub:
	@sh scripts/check-banned.sh src/hub

# the hub's fuzz targets built by GCC with ASan+UBSan and a replay main
# (tests/lib/replay.c): tests/run.py replays every corpus through them too
HUB_REPLAY := $(patsubst $(BUILD)/fuzz/fuzz_hub_%,$(BUILD)/asan/replay_hub_%,$(HUB_FUZZ))

$(BUILD)/asan/replay_hub_%: tests/fuzz/hub_fuzz_%.c tests/lib/replay.c $(HUB_ASAN_OBJ)
	$(CC) $(STD) $(WARN) $(HUB_INC) -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		$^ -o $@ $(HUB_LDLIBS)

HUB_TEST_BINS := $(BUILD)/host/tanuki-hub $(BUILD)/asan/tanuki-hub $(HUB_UNIT) $(HUB_FUZZ) $(HUB_REPLAY)

hub-test: deps check-banned-hub $(HUB_TEST_BINS)
	@$(PYTHON) tests/run.py --build $(BUILD) -k hub

# `make test` builds and runs the hub's tests with everything else.
test: check-banned-hub $(HUB_TEST_BINS)

# `make bench` also times the dashboard's pages on a generated year of
# summaries from 100 decoys (tests/bench/bench_hub_web.py).
.PHONY: hub-bench
hub-bench: deps $(BUILD)/host/tanuki-hub
	@$(PYTHON) tests/bench/bench_hub_web.py --build $(BUILD)
bench: hub-bench
