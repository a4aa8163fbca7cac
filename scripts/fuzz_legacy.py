"""The long fuzz of the legacy Office readers (not part of the test suite, which runs 300
variants): mutated .doc and .ppt fixtures, each must end in items or an ExtractionError
within the time limit. Prints the outcomes; exits 1 on a crash or a slow variant, which
it writes to OUT_DIR to reproduce.

    .venv/bin/python scripts/fuzz_legacy.py [--variants 20000] [--seed 1] [--out /tmp/fuzz]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.scan.extract import ExtractionError, Source, ole
from tests.scanner.test_legacy_office import fuzz_variant

SLOW_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/baomi-fuzz-legacy"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    outcomes: Counter[str] = Counter()
    failures = 0
    started = time.monotonic()
    for index in range(args.variants):
        name, data = fuzz_variant(rng)
        began = time.monotonic()
        try:
            for _ in ole.extract_ole(Source(name, data, "application/CDFV2")):
                pass
            outcome = "ok"
        except ExtractionError as exc:
            outcome = type(exc).__name__
        except Exception:
            outcome = "CRASH"
            traceback.print_exc()
        took = time.monotonic() - began
        if outcome == "CRASH" or took > SLOW_S:
            failures += 1
            args.out.mkdir(parents=True, exist_ok=True)
            path = args.out / f"{index:06d}-{outcome}-{took:.1f}s-{name}"
            path.write_bytes(data)
            print(f"{path}: {outcome} in {took:.2f} s", file=sys.stderr)
        outcomes[outcome] += 1
    elapsed = time.monotonic() - started
    print(f"{args.variants} variants in {elapsed:.0f} s: {dict(outcomes)}; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
