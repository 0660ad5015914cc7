# Quick start: `make demo` (set up, then crawl the bundled sample site into archive.db) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test setup clean

setup: $(STAMP)

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m crawler demo

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm archive.db.lock archive.log archive.log.* warc
