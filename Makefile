# Convenience targets; each is one command from the README.
PY := .venv/bin/python

.PHONY: setup demo test model bench

setup:
	./scripts/setup.sh test

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

# Retrain the name/organisation/address CRF from ../shared/data/ner (writes the model and its card).
model: setup
	$(PY) scripts/train_ner.py

bench: setup
	$(PY) bench/throughput.py
	$(PY) bench/ner_eval.py
