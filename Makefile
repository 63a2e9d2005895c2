# tanuki — top-level Makefile.
#
#   make            build the decoy for this PC (build/host/tanuki)
#   make run        run it on 127.0.0.1 with a default persona
#   make test       checker, unit tests (ASan+UBSan), transcripts, fuzz, integration
#   make bench      speed and memory figures (not part of the tests)
#   make TARGET=mipsel|mips, make image, make run-image: the firmware
#                   (mk/firmware.mk, docs/firmware.md)
#
# Variants live side by side under build/: host (-O2), asan (-O1, ASan+UBSan),
# fuzz (clang libFuzzer).

CC      ?= cc
CLANG   ?= clang
PYTHON  ?= /usr/bin/python3
BUILD   ?= build

PERSONA ?= xiongmai-dvr
PORT    ?= 2323
HUBPORT ?= 8443

WARN    := -Wall -Wextra -Wformat=2 -Wundef -Werror
STD     := -std=c99 -D_GNU_SOURCE
INC     := -Isrc/common -Isrc/decoy
OPTIONS ?=
LDLIBS  := -lmbedtls -lmbedx509 -lmbedcrypto -lz

# The WAN side on lwIP (net/wan.c, docs/wan.md), built from Debian's lwip
# source (package/lwip, mk/lwip.mk) into each variant's liblwip.a.
# LWIP=0 builds without it (a `config wan` section is then refused).
LWIP    ?= 1
ifeq ($(LWIP),1)
LWIP_CPPFLAGS := -DTANUKI_LWIP=1 -Isrc/decoy/net/lwip -I$(BUILD)/src/lwip/src/include
LWIP_STAMP    := $(BUILD)/src/lwip/.unpacked
lwip_lib       = $(BUILD)/$(1)/liblwip.a
else
LWIP_CPPFLAGS := -DTANUKI_LWIP=0
LWIP_STAMP    :=
lwip_lib       =
endif
# `proto pppoe` (net/wan_ppp.c): lwIP's PPP and PPPoE client. PPPOE=0 builds
# the WAN side without them (proto pppoe is then refused at start).
PPPOE   ?= 1
ifeq ($(LWIP)$(PPPOE),11)
LWIP_CPPFLAGS += -DTANUKI_PPP=1
else
LWIP_CPPFLAGS += -DTANUKI_PPP=0
endif

COMMON_SRC := $(wildcard src/common/*.c)
DECOY_SRC  := $(filter-out src/decoy/main.c,$(wildcard src/decoy/*.c src/decoy/*/*.c))
LIB_SRC    := $(COMMON_SRC) $(DECOY_SRC)
HDRS       := $(wildcard src/common/*.h src/decoy/*.h src/decoy/*/*.h src/decoy/net/lwip/*.h \
                src/decoy/net/lwip/arch/*.h)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

HOST_CFLAGS := $(STD) $(WARN) $(INC) $(LWIP_CPPFLAGS) $(OPTIONS) -O2 -g
ASAN_CFLAGS := $(STD) $(WARN) $(INC) $(LWIP_CPPFLAGS) $(OPTIONS) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := $(STD) $(INC) $(LWIP_CPPFLAGS) $(OPTIONS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined

HOST_OBJ := $(LIB_SRC:%.c=$(BUILD)/host/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/obj/%.o)
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# the same fuzz targets built by GCC (ASan+UBSan) with a replay main():
# tests/run.py feeds them every corpus and every input the fuzz run found
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/asan/replay_%)

.PHONY: all run test bench check-banned check-growptr check-includes check-sizes deps units fuzz clean
all: $(BUILD)/host/tanuki

$(BUILD)/host/obj/%.o: %.c $(HDRS) | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c $(HDRS) | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/obj/%.o: %.c $(HDRS) | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

# Each variant's objects go into a static library, so a test links only
# the parts it uses.
$(BUILD)/%/libtanuki.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/host/libtanuki.a: $(HOST_OBJ)
$(BUILD)/asan/libtanuki.a: $(ASAN_OBJ)
$(BUILD)/fuzz/libtanuki.a: $(FUZZ_OBJ)

$(BUILD)/host/tanuki: $(BUILD)/host/obj/src/decoy/main.o $(BUILD)/host/libtanuki.a $(call lwip_lib,host)
	$(CC) $(HOST_CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/asan/tanuki: $(BUILD)/asan/obj/src/decoy/main.o $(BUILD)/asan/libtanuki.a $(call lwip_lib,asan)
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/asan/test_%: tests/unit/test_%.c $(BUILD)/asan/libtanuki.a $(call lwip_lib,asan)
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

# The second-stage extractor's test reads downloaders written for it, built
# by every Debian cross compiler (tests/lib/dlr/build.sh; scripts/deps.sh).
DLR_FIX := $(BUILD)/dlr/manifest
$(DLR_FIX): tests/lib/dlr/dl.c tests/lib/dlr/build.sh
	sh tests/lib/dlr/build.sh $(BUILD)/dlr
$(BUILD)/asan/test_dlr $(BUILD)/mipsel/test_dlr $(BUILD)/mips/test_dlr: | $(DLR_FIX)
$(BUILD)/asan/test_binid $(BUILD)/mipsel/test_binid $(BUILD)/mips/test_binid: | $(DLR_FIX)

# (the replay links lwIP as the fuzz build has it: no asserts, no checksum
# checks; mk/lwip.mk's "replay" variant)
$(BUILD)/asan/replay_%: tests/fuzz/fuzz_%.c tests/lib/replay.c $(BUILD)/asan/libtanuki.a \
		$(call lwip_lib,replay)
	$(CC) $(ASAN_CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libtanuki.a $(call lwip_lib,fuzz)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

# The decoy never runs what an attacker sends and never formats unbounded.
check-banned:
	@sh scripts/check-banned.sh src/decoy src/common

# No `X[i].f = call()` where the call may realloc X (the parser's
# use-after-free); the self-test proves the check still sees that bug.
check-growptr:
	@sh scripts/check-growptr.sh --self-test
	@sh scripts/check-growptr.sh src/decoy src/common

# The C tree is as .clang-format lays it out (lwIP's option headers under
# net/lwip/ follow lwIP's own layout).
check-format:
	@sh scripts/check-format.sh src

# The include graph between src/decoy folders has no cycle; engines (proto/)
# include neither net/, fetch/ nor host/ (docs/internals.md).
check-includes:
	@sh scripts/check-includes.sh src/decoy

# No source file in src/ over 800 lines, unless scripts/sizes-allow lists it
# with a reason (docs/internals.md, "Habits").
check-sizes:
	@sh scripts/check-sizes.sh src

deps:
	@sh scripts/deps.sh

units: $(UNIT_BIN)
fuzz: $(FUZZ_BIN) $(REPLAY_BIN)

run: deps $(BUILD)/host/tanuki $(BUILD)/host/tanuki-hub
	@sh scripts/run.sh $(BUILD) $(PERSONA) $(PORT) $(HUBPORT)

test: deps check-banned check-growptr check-includes check-format check-sizes $(BUILD)/host/tanuki $(BUILD)/asan/tanuki $(UNIT_BIN) $(FUZZ_BIN) $(REPLAY_BIN) fw-test-deps
	@$(PYTHON) tests/run.py --build $(BUILD)

bench: deps $(BUILD)/host/tanuki $(BUILD)/host/tanuki-hub
	@$(PYTHON) tests/bench/bench.py --build $(BUILD)
	@$(PYTHON) tests/bench/bench_uplink.py --build $(BUILD)
	@$(PYTHON) tests/bench/bench_wan.py --build $(BUILD)

# Test helpers: a fault-injecting LD_PRELOAD shim for the store's
# read-only / full flash tests, and the store's flash simulation (bench).
test: $(BUILD)/host/faultfs.so
bench: $(BUILD)/host/flashsim
$(BUILD)/host/faultfs.so: tests/lib/faultfs.c
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -fPIC -shared $< -o $@ -ldl

$(BUILD)/host/flashsim: tests/bench/flashsim.c $(BUILD)/host/libtanuki.a $(call lwip_lib,host)
	$(CC) $(HOST_CFLAGS) $^ -o $@ $(LDLIBS)

clean:
	rm -rf $(BUILD)

# The firmware: cross toolchains, packages, MIPS builds, the Malta image.
include mk/firmware.mk
include mk/lwip.mk
include mk/hub.mk
include mk/oracle.mk
