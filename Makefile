# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
DATA ?=

.PHONY: run test lint format bootstrap sync bench dashboard serve

bootstrap:  ## install uv with pip when the machine lacks it
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

sync: bootstrap
	$(UV) sync --frozen --compile-bytecode

run: sync  ## the product's main job on embedded defaults (synthetic data unless DATA=file)
	$(if $(DATA),PASSOS_DATA_DIR="$(CURDIR)/data/own",) $(UV) run passos demo $(if $(DATA),--data "$(abspath $(DATA))",)

test: sync  ## the whole suite
	$(UV) run pytest

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

format: sync
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: sync
	$(UV) run passos bench pipeline

.PHONY: up down

up:  ## the team stack with docker compose (deploy/README.md); needs .env
	@test -f .env || { echo "Falta o arquivo .env: copie .env.example para .env e preencha os segredos (veja deploy/README.md)." >&2; exit 1; }
	docker compose --env-file .env up -d --build

down:  ## stop the stack; the data volumes are kept
	@test -f .env || { echo "Falta o arquivo .env (docker compose precisa dele também para parar)." >&2; exit 1; }
	docker compose --env-file .env down
