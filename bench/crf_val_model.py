"""CRF-alone validation scores of given model files, on the split ``train_ner.py`` uses.

    .venv/bin/python bench/crf_val_model.py MODEL [MODEL ...] [--held-out msra_val]

``--held-out`` with no file stems scores on the 10% hash split of every file
(the split of a model trained with ``train_ner.py --held-out``), so a model
trained on all of msra_val's other 90% and one trained without any of it can be
compared on sentences neither has seen. Prints PERSON / ORGANIZATION /
CN_ADDRESS precision/recall/F1 over all validation sources, one line a model.
Run with ``PYTHONPATH`` at an experiment tree to score a feature variant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


def main() -> int:
    from recognizers.ner import dataset
    from recognizers.ner.crf import ChineseCrf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    parser.add_argument("--held-out", nargs="*", default=list(dataset.HELD_OUT_FILES))
    parser.add_argument("--source", default="", help="only validation sources starting so")
    args = parser.parse_args()
    mapping = {**dataset.LABEL_MAP, **dataset.AUX_LOCATION_MAP}
    split = dataset.split(dataset.data_files(args.data), args.held_out, mapping)
    sentences = [s for s in split.validation if s.source.startswith(args.source)]
    for model in args.models:
        crf = ChineseCrf(model)
        predicted = crf.spans_batch([s.text for s in sentences])
        counts = dataset.score(zip(sentences, predicted, strict=True))
        cells = " ".join(
            f"{e[:4]} {c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}" for e, c in counts.items()
        )
        print(f"{model.name:<28} n={len(sentences)} {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
