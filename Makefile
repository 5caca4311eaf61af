# Two entry points for users: `make up` (run everything on the embedded default) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BUF := .tools/buf/node_modules/.bin/buf

.PHONY: up test venv dev protos lint checkgenerate infra-tools bench load clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Installed once per change of pyproject.toml (stamps), so `make up` starts without reinstalling.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

$(BUF):
	bash scripts/tools.sh buf

protos: dev $(BUF)
	$(BUF) lint
	$(BUF) generate

# Regenerating must not change a committed stub.
checkgenerate: dev $(BUF)
	$(BUF) lint
	$(BUF) generate
	git diff --exit-code -- protos
	test -z "$$(git status --porcelain -- protos)"

lint: dev
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .

infra-tools:
	bash scripts/infra-tools.sh

test: dev checkgenerate lint infra-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks print their figures and the ratio to a baseline measured in the same run.
bench: dev
	$(BIN)/python -m bench.vision
	$(BIN)/python -m bench.edge
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.locations
	$(BIN)/python -m bench.scan
	$(BIN)/python -m bench.queues
	$(BIN)/python -m bench.memory

load: dev
	$(BIN)/pip install -q -e '.[dev,load]'
	$(BIN)/python -m bench.load

up: venv
	$(BIN)/wastecoach up $(ARGS)

clean:
	rm -rf $(VENV) .tools
