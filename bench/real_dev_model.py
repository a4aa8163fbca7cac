"""Real-text *dev* scores of the whole analyser with a given CRF model file.

    .venv/bin/python bench/real_dev_model.py MODEL [MODEL ...]

For choosing between CRF variants without touching the shipped model: the
analyser is built as ``bench/real_eval.py`` builds it, but ``ChineseCrf`` loads
``MODEL`` instead of ``recognizers/ner/zh_crf.model``. Reads only
``bench/data/real_dev.jsonl`` (the held-out set is never opened here). Prints
one line per model: exact-span F1 of PERSON / ORGANIZATION / CN_ADDRESS and the
micro F1 over every scored type, plus P/R of the three NER types.
Run it with ``PYTHONPATH`` pointing at an experiment tree to test feature
variants (the tree's ``features.py`` and ``crf.py`` are then the ones used).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    args = parser.parse_args()
    from bench import real_eval
    from recognizers.ner import crf
    from recognizers.person_org_address import PersonOrgAddressRecognizer

    passages = real_eval.read_set(real_eval.SETS["dev"])
    texts = [p["text"] for p in passages]
    for model in args.models:
        crf.ChineseCrf.__init__.__defaults__ = (model.resolve(),)
        PersonOrgAddressRecognizer._crf = None  # the class caches its CRF
        predicted = real_eval.predict(texts)
        counts = real_eval.score(passages, predicted, relaxed=False)
        total = real_eval.micro(counts)
        cells = " ".join(
            f"{e[:4]} {counts[e].precision:.3f}/{counts[e].recall:.3f}/{counts[e].f1:.3f}"
            for e in ("PERSON", "ORGANIZATION", "CN_ADDRESS")
        )
        print(f"{model.name:<28} {cells}  micro {total.f1:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
