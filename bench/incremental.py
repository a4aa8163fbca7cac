"""Incremental rescan of an unchanged tree: it should cost only the stat calls.

    python bench/incremental.py [--files 20000]

Creates a tree of small text files (a contact line in every tenth), records it
with one full ``baomi scan``, then times, side by side:

* ``baomi scan --incremental`` of the unchanged tree (the whole command: start-up,
  walk, one query, the comparison, the run bookkeeping);
* the same command on an empty folder (start-up alone);
* a baseline that only walks the tree and stats every file in Python.

Prints seconds and the ratio of the incremental work (minus start-up) to the bare
walk. Also times the first full scan, for scale.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOMI = [sys.executable, "-m", "scanner.cli"]


def make_tree(root: Path, files: int) -> None:
    for i in range(files):
        folder = root / f"部门{i % 20}" / f"项目{i // 500}"
        folder.mkdir(parents=True, exist_ok=True)
        line = f"联系人手机 139{i:08d}\n" if i % 10 == 0 else f"会议纪要 第{i}号\n"
        (folder / f"文件{i:05d}.txt").write_text(line, encoding="utf-8")


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - started


def stat_walk(root: Path) -> tuple[float, int]:
    started = time.perf_counter()
    count = 0
    for folder, _, names in os.walk(root):
        for name in names:
            os.stat(os.path.join(folder, name))
            count += 1
    return time.perf_counter() - started, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree, empty, db = Path(tmp) / "share", Path(tmp) / "empty", Path(tmp) / "inv.db"
        empty.mkdir()
        make_tree(tree, args.files)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "BAOMI_HASH_KEY": "00" * 32}
        common = ["--inventory", str(db), "--no-ner", "-q", "--format", "jsonl", "-o", os.devnull]
        full = timed([*BAOMI, "scan", str(tree), *common], env)
        incremental = timed([*BAOMI, "scan", str(tree), "--incremental", *common], env)
        startup = timed([*BAOMI, "scan", str(empty), "--incremental", *common], env)
        walk_s, count = stat_walk(tree)
        work = incremental - startup
        print(f"tree: {count} files")
        print(f"first full scan                         {full:8.2f} s  {count / full:.0f} files/s")
        print(f"incremental rescan, unchanged (command) {incremental:8.2f} s")
        print(f"  of which start-up (empty folder)      {startup:8.2f} s")
        print(f"  incremental work                      {work:8.2f} s")
        print(f"baseline: walk + stat in Python         {walk_s:8.2f} s")
        print(f"ratio incremental work / bare stat walk {work / walk_s:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
