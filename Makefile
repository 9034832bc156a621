# SPDX-License-Identifier: GPL-2.0
# swiotlb lending: harness entry points.  See README.md.

SHELL := /bin/bash
S := scripts

# ARCH=arm64 picks the arm64 kernel (4 KiB pages) for run and kernel;
# VARIANT=<name> any kernel of configs/variants (e.g. arm64-16k).
KVARIANT = $(or $(VARIANT),$(if $(filter arm64,$(ARCH)),arm64,default))

.PHONY: help run test test-debug soak mutants bench kernel baseline prepare export series apply check clean

help:
	@sed -n 's/^## //p' README.md

## make run         build, boot, show the feature (demo); ARCH=arm64 on arm64
run:
	@$(S)/run.sh $(KVARIANT)

## make test        build, then every test layer; last line "N passed, N failed"
test:
	@$(S)/test.sh --suite test

## make test-debug  the same tests on the debug kernel (KASAN, lockdep, DEBUG_VM)
test-debug:
	@$(S)/test.sh --suite test --variant debug

## make soak        the reclaim stress scenario for ten minutes
soak:
	@$(S)/test.sh --suite soak

## make mutants     prove the tests can fail: every mutant in scripts/mutants/ killed
mutants:
	@$(S)/mutants.sh $(MUTANTS)

## make bench       every benchmark on every contender: benchmarks/results/<date>-<base>/
bench:
	@benchmarks/bench.sh

## make kernel      build the kernel only; last line "kernel: <image>"; ARCH=arm64
kernel:
	@$(S)/deps.sh && $(S)/build-kernel.sh $(KVARIANT)

## make baseline    build the unpatched base with the same configuration
baseline:
	@$(S)/deps.sh && $(S)/build-kernel.sh baseline

## make prepare     (re)create build/linux: base + overlay + patches
prepare:
	@$(S)/deps.sh && $(S)/prepare.sh

## make export      write build/linux's commits back to patches/ and the overlay
export:
	@$(S)/export.sh

## make series      out/series/: cover letter + numbered patches
series:
	@$(S)/deps.sh && $(S)/series.sh

## make apply KDIR=<tree>  apply the series to another 6.12 tree
apply:
	@$(S)/deps.sh && $(S)/apply.sh "$(KDIR)"

## make check       checkpatch --strict, sparse and W=1 on the series
check:
	@$(S)/deps.sh && $(S)/check.sh

## make clean       remove build/ and out/
clean:
	rm -rf build out
