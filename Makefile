# Two entry points for users: `make up` (run everything on the embedded default) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BUF := .tools/buf/node_modules/.bin/buf

.PHONY: up test venv dev protos lint checkgenerate bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e .

dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

$(BUF):
	bash scripts/tools.sh buf

protos: dev $(BUF)
	$(BUF) lint
	$(BUF) generate

up: venv
	$(BIN)/wastecoach up $(ARGS)

clean:
	rm -rf $(VENV) .tools
