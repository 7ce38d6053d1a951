# The two commands of README.md: `make run` and `make check`. Everything else is Meson.
BUILD      ?= build
TESTBUILD  ?= build-test
BUZON      := $(BUILD)/src/cli/buzon

.PHONY: run check build test-build deps test-deps format clean

run: build
	./$(BUZON) serve

check: test-deps
	scripts/check.sh $(TESTBUILD)

deps:
	scripts/deps.sh scripts/packages-build.txt

test-deps:
	scripts/deps.sh scripts/packages-build.txt scripts/packages-test.txt

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	ninja -C $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(TESTBUILD)
