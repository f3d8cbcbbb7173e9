# Thin wrappers: the logic lives in scripts/ and the playbooks.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
ENV ?= local
export PATH := $(abspath $(BIN)):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: setup system-deps deploy plan destroy test lint sanity unit molecule integration bench emulator-start emulator-stop clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

system-deps:
	scripts/system-deps

deploy: setup emulator-start
	$(BIN)/ansible-playbook playbooks/deploy.yml -i inventories/$(ENV)

plan: setup
	$(BIN)/ansible-playbook playbooks/plan.yml -i inventories/$(ENV) --check --diff

# make destroy ENV=dev CONFIRM=dev   (local needs no CONFIRM; add ARGS=--check to list what would go)
destroy: setup
	$(BIN)/ansible-playbook playbooks/destroy.yml -i inventories/$(ENV) $(if $(CONFIRM),-e destroy_confirm=$(CONFIRM)) $(ARGS)

# molecule and integration side by side: each leaves the 2 cores about 45 % idle on its own (ansible-playbook
# runs one task at a time and waits on the emulator, podman and PostgreSQL), so together they take about
# as long as the longer of the two (docs/development.md). --output-sync keeps each stage's log in one piece.
test: lint sanity unit
	$(MAKE) --no-print-directory -j2 --output-sync=target molecule integration

lint: setup
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production

sanity: setup
	scripts/sanity

unit: setup
	$(BIN)/pytest -n 2 tests/unit

molecule: setup system-deps
	scripts/run-molecule

integration: setup system-deps
	$(BIN)/pytest -n 2 --durations=15 tests/integration

bench: setup system-deps
	scripts/bench

emulator-start: setup
	scripts/emulator start

emulator-stop:
	scripts/emulator stop

clean: emulator-stop
	rm -rf .cache tests/output
