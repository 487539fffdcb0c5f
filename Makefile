# Two commands do all set-up on a fresh machine: `make reproduce` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export PYBAMM_DISABLE_TELEMETRY := true
export MPLBACKEND := Agg

.PHONY: reproduce test docs lint format bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[test,readers,quantum,surface,docs]"
	touch $(STAMP)

# Writes results/ afresh (replacing an earlier results/ of a previous run). `solidna reproduce`
# exits 1 when a paper target is missed (the report says which and why): that is a result, not
# a failure of the run, so only other exit codes stop make.
reproduce: $(STAMP)
	$(VENV)/bin/solidna reproduce --out results/ --force || { rc=$$?; test $$rc -eq 1 && echo "Some targets are missed: see results/report.html."; test $$rc -eq 1; }

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(PY) -m pytest -q -n auto --dist loadfile

# The documentation site into site/, strict: a broken link, a failing tutorial block or an
# unresolved API reference fails the build. Tutorials run their code, so this takes a few minutes.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

format: $(STAMP)
	$(VENV)/bin/ruff format src tests benchmarks examples
	$(VENV)/bin/ruff check --fix src tests benchmarks examples

bench: $(STAMP)
	$(PY) benchmarks/bench_symmetric_4000h.py
	$(PY) benchmarks/bench_reproduce_fig34.py

clean:
	rm -rf $(VENV) build site src/*.egg-info .pytest_cache .ruff_cache
