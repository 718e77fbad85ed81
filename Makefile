# Newcomer entry points: `make demo` (offline coach on the example set) and `make test` (everything CI runs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve bench-api test test-llm-server test-browser test-redis redis chromium soak lint types unit eval eval-model eval-injection bench clean

LLM_STAMP := $(VENV)/.installed-llm-server

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# llama-cpp-python builds from source the first time (7-13 min on 2 cores); pip caches the wheel afterwards.
$(LLM_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,llm-server]'
	touch $(LLM_STAMP)

demo: $(STAMP)
	$(BIN)/krcoach analyze examples/customer-onboarding.md --format md

serve: $(STAMP)
	$(BIN)/krcoach serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 -q

eval: $(STAMP)
	$(BIN)/krcoach eval --out evals/reports --gate evals/thresholds.toml

# Replays the committed recording of a real local model (evals/cassettes/) through the whole model path.
eval-model: $(STAMP)
	$(BIN)/krcoach eval-model --replay evals/cassettes/gemma3-270m.jsonl --out evals/reports/model \
		--gate evals/model_thresholds.toml

# The prompt-injection corpus (evals/injection/): the scripted hijacked model, then the recorded local model.
# Exit 1 on any leak or failed guard.
eval-injection: $(STAMP)
	$(BIN)/krcoach eval-injection --scripted --out evals/reports/injection/scripted
	$(BIN)/krcoach eval-injection --replay evals/cassettes/injection-gemma3-270m.jsonl \
		--out evals/reports/injection/replay

test: lint types unit eval eval-model

# A real OpenAI-compatible server (llama-cpp-python + Gemma 3 270M) on loopback; fails, never skips, here.
test-llm-server: $(LLM_STAMP)
	KRCOACH_REQUIRE_LLM_SERVER=1 $(BIN)/pytest -q -m llm_server

# Debian's Chromium for the browser suite (Playwright drives it; no browser download). Needs root or sudo once.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The web page end to end in headless Chromium; screenshots land in test-artifacts/browser/.
test-browser: $(STAMP) chromium
	KRCOACH_REQUIRE_BROWSER=1 $(BIN)/pytest -q -m browser

# Debian's redis-server for the scale-out suite (needs root or sudo once).
redis:
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }

# Scale-out on a real Redis: API replicas, workers (one killed mid-job), the shared rate limit and budgets.
test-redis: $(STAMP) redis
	KRCOACH_REQUIRE_REDIS=1 $(BIN)/pytest -q -m redis

# 2,000 Key Results through POST /v1/jobs, 30% of model replies failing, the service SIGKILLed twice (about 15 s).
soak: $(STAMP)
	$(BIN)/python benchmarks/fault_soak.py

bench: $(STAMP)
	$(BIN)/python benchmarks/diagnose_throughput.py

bench-api: $(STAMP)
	$(BIN)/python benchmarks/api_load.py --workers 2 --connections 64

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache evals/reports
