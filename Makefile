# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
INI ?= development.ini

.PHONY: install run test bench clean

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg
	$(BIN)/pip install -q -e '.[testing]'
	touch $@

install: $(VENV)/.installed

run: install
	@if ! $(BIN)/workspace -c $(INI) has-admin; then \
	  pw=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(15))'); \
	  echo "$$pw" | $(BIN)/workspace -c $(INI) add-user admin --name "Site administrator" --email admin@localhost --admin && \
	  $(BIN)/workspace -c $(INI) demo && \
	  echo "" && echo "  First admin created. Log in as: admin / $$pw" && \
	  echo "  (shown once; it is stored only as an argon2 hash)" && echo ""; \
	fi
	@echo "Serving http://127.0.0.1:6543 (this stays in the foreground; Ctrl+C stops it)."
	$(BIN)/pserve $(INI)

# worksteal: a worker that runs out of tests takes queued ones from the other, so a few
# slow tests (browsers, subprocesses) left on one worker do not keep the other idle.
test: install
	$(BIN)/pytest -n 2 --dist worksteal -q

clean:
	rm -rf $(VENV) var *.egg-info
