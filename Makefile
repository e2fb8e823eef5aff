# ofasearch: `make run` installs missing system packages (when root), builds and runs the default
# experiment; `make test` runs the tests; `make bench` the benchmarks; `make predictors` retrains
# the committed predictors from ../shared; `make cluster-test` runs a sharded sweep under a local
# SLURM cluster (root; docs/cluster.md).
SWIFT ?= swift
APT_PACKAGES := libxgboost-dev libopenblas-dev libjson-c-dev libsqlite3-dev pkg-config
BIN := .build/release/ofasearch
OUT ?= out/quickstart
# One BLAS thread unless told otherwise: the search batches its own work, and two thread pools on
# two cores contend.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build run test bench predictors clean fuzz cluster-test venv

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages:$$missing"; echo "install them with: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c release --product ofasearch

run: build
	$(BIN) run experiments/quickstart.yaml --out $(OUT) --fresh
	@echo "report: $(OUT)/report.md"

test: deps
	$(SWIFT) test

bench: deps
	$(SWIFT) build -c release --product ofasearch-bench
	.build/release/ofasearch-bench

predictors: build
	./scripts/train-predictors.sh

# Input fuzzing (docs/fuzz.md): seeded, bounded by FUZZ_SECONDS or FUZZ_CASES, whichever comes
# first; not part of `make test`. Reproducers and summary.md go to FUZZ_OUT.
FUZZ_SEED ?= 1
FUZZ_CASES ?= 100000
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1
FUZZ_OUT ?= out/fuzz

fuzz: deps
	$(SWIFT) build -c release --product ofasearch
	python3 scripts/fuzz/fuzz.py --binary $(BIN) --seed $(FUZZ_SEED) --cases $(FUZZ_CASES) \
	  --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) --out $(FUZZ_OUT)

# Installs Debian's slurm-wlm and munge when root and missing, then scripts/cluster/cluster-test.sh
# starts a one-node cluster in a temporary folder, runs the test and stops every daemon it started.
cluster-test: build
	@if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: slurm-wlm munge"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; \
	  else \
	    echo "cluster-test needs root and Debian's slurm-wlm and munge (sudo apt-get install -y slurm-wlm munge)"; exit 1; \
	  fi; \
	fi
	./scripts/cluster/cluster-test.sh

clean:
	rm -rf .build out

# The Python environment of the ONNX Runtime evaluator (scripts/evaluators/ORT.md): .venv at the
# project root, from PyPI, pinned. Tests that need it skip when it is absent.
VENV ?= .venv
venv: $(VENV)/.installed
$(VENV)/.installed: scripts/evaluators/requirements-ort.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r scripts/evaluators/requirements-ort.txt
	touch $@

