# The two set-up commands: `make run` (serve the API on embedded defaults) and `make test`.
UV := ./scripts/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint check openapi bench

run:  ## serve the API on http://127.0.0.1:8000 (bundled rule sets, no database)
	$(UV) run --frozen eligibility serve

test:  ## the whole test suite, plus rule-set lint, ruff and mypy (installs Chromium as root)
	./scripts/ensure-chromium
	$(UV) run --frozen eligibility lint
	$(UV) run --frozen ruff check eligibility_service tests benchmarks
	$(UV) run --frozen mypy
	$(UV) run --frozen pytest -n auto

openapi:  ## regenerate openapi/openapi.json after an API change
	$(UV) run --frozen eligibility openapi

bench:  ## benchmarks (print figures; not tests)
	$(UV) run --frozen python -m benchmarks.engine_throughput
	$(UV) run --frozen python -m benchmarks.http_throughput
	$(UV) run --frozen python -m benchmarks.replay_throughput
	$(UV) run --frozen python -m benchmarks.decision_log_overhead
	$(UV) run --frozen python -m benchmarks.auth_overhead
	$(UV) run --frozen python -m benchmarks.observability_overhead
	$(UV) run --frozen python -m benchmarks.x12_read --members 250000
	$(UV) run --frozen python -m benchmarks.ffc_compare --members 250000
