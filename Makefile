# Concordia: `make run` starts the product, `make test` runs the whole suite.
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
WEBCHAT   := bot/web/static/vendor/rasa-webchat-1.0.1.js
ENCODER   := var/encoder/all-MiniLM-L6-v2/model.safetensors
CONCORDIA := $(BIN)/concordia
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install browser nginx cluster bench eval-cases calibrate soak audit run train validate shell lint types \
        format test test-stories test-nlu test-unit test-integration db-upgrade clean
.DEFAULT_GOAL := help

LINTED    := bot actions connectors components tests benchmarks scripts

$(STAMP): requirements.lock pyproject.toml scripts/setup-env.sh
	bash scripts/setup-env.sh

$(WEBCHAT): scripts/fetch-webchat.sh
	bash scripts/fetch-webchat.sh

$(ENCODER): scripts/fetch-encoder.sh $(STAMP)
	bash scripts/fetch-encoder.sh
	$(BIN)/python -m bot.mediation.encoder

help:                        ## this list: every target and what it does (`make` alone shows it)
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) $(WEBCHAT) $(ENCODER)  ## .venv, the chat widget bundle, the sentence encoder

browser:                     ## Chromium + driver from Debian, for the browser tests
	bash scripts/install-browser.sh

nginx:                       ## nginx from Debian, for `concordia cluster` and its test
	bash scripts/install-nginx.sh

cluster: install nginx       ## 2 Rasa + 2 action servers behind nginx (PostgreSQL + REDIS_URL)
	$(CONCORDIA) cluster

run: install                 ## train if needed, start Rasa (5005), actions (5055), web (8000)
	$(CONCORDIA) run

train: install               ## train a model if config, domain or data changed
	$(CONCORDIA) train

validate: install            ## knowledge files + rasa data validate --fail-on-warnings
	$(CONCORDIA) validate

shell: install               ## chat in the terminal
	$(CONCORDIA) shell

db-upgrade: install          ## apply database migrations
	$(CONCORDIA) db upgrade

lint: install types           ## ruff (rules and formatting, checked, never changed) and mypy
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

types: install               ## mypy on bot/ (plain typed Python, no Rasa imports; settings in pyproject.toml)
	$(BIN)/mypy

format: install              ## fix what ruff can (import order, formatting) in place
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

test-stories: install        ## Rasa test stories, failing on any prediction error
	$(CONCORDIA) test stories

test-nlu: install            ## held-out intent report, failing below the threshold
	$(CONCORDIA) test nlu

test-unit: install train      ## pytest tests/unit: no process started, no port opened (one test loads the model)
	$(BIN)/pytest -m "not integration"

test-integration: install    ## real Rasa + action servers over REST
	$(BIN)/pytest -m integration

test: install browser nginx lint validate train test-stories test-nlu  ## everything
	$(BIN)/pytest

bench: install browser         ## benchmarks (figures, not tests) into benchmarks/RESULTS.md
	$(BIN)/python benchmarks/latency.py --write
	$(BIN)/python benchmarks/growth.py --write
	$(BIN)/python benchmarks/stored_sessions.py --write
	$(BIN)/python benchmarks/widget.py --write
	$(BIN)/python benchmarks/nlu_quality.py --write
	$(BIN)/python benchmarks/nlu_crossval.py --write
	$(BIN)/python benchmarks/training_time.py --write

eval-cases: install train      ## 44 real cases typed through a real stack: kind, party, common ground, measures
	$(BIN)/python benchmarks/eval_cases.py --write

calibrate: install train       ## the semantic layer's thresholds on dev data (figures only)
	$(BIN)/python benchmarks/calibrate.py

soak: install                 ## 100 users over 10 minutes on a real stack; figures into benchmarks/RESULTS.md
	$(BIN)/python benchmarks/soak.py --write

audit:                       ## pip-audit (own venv) of requirements.lock, judged against SECURITY.md; not part of test
	bash scripts/audit.sh

clean:                       ## remove test and lint caches and Rasa's test results
	rm -rf results .pytest_cache .ruff_cache .mypy_cache
