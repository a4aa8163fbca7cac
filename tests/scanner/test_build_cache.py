"""The per-user build cache: keyed by inputs, damage-proof, private, bounded, and the
Hyperscan database loaded from it filters exactly as a freshly compiled one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from recognizers.base import BaomiPatternRecognizer
from recognizers.registry import build_recognizers
from scanner import build_cache
from scanner.scan.prefilter import HyperscanPrefilter, hyperscan_available
from tests.scanner.test_prefilter import TEXTS


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(build_cache.ENVIRONMENT, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_entry_comes_back_as_written_and_only_its_owner_reads_it(cache: Path) -> None:
    key = build_cache.key_of("a", b"b")
    assert build_cache.read("kind", key) is None
    build_cache.write("kind", key, b"payload")
    assert build_cache.read("kind", key) == b"payload"
    [entry] = (cache / "kind").iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_keys_separate_their_parts() -> None:
    assert build_cache.key_of("ab", "c") != build_cache.key_of("a", "bc")
    assert build_cache.key_of("a") == build_cache.key_of(b"a")


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_a_damaged_entry_is_ignored(cache: Path, damage: str) -> None:
    key = build_cache.key_of("x")
    build_cache.write("kind", key, b"0123456789" * 10)
    [entry] = (cache / "kind").iterdir()
    data = entry.read_bytes()
    entry.write_bytes(
        {
            "truncate": data[:-3],
            "flip": data[:-1] + bytes([data[-1] ^ 1]),
            "foreign": b"not a cache entry",
        }[damage]
    )
    assert build_cache.read("kind", key) is None


@pytest.mark.parametrize("setting", ["off", ""])
def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(build_cache.ENVIRONMENT, setting)
    assert build_cache.cache_dir() is None
    build_cache.write("kind", "k", b"p")
    assert build_cache.read("kind", "k") is None


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(build_cache.ENVIRONMENT, str(blocker / "cache"))  # under a file
    build_cache.write("kind", "k", b"p")
    assert build_cache.read("kind", "k") is None


def test_only_the_most_recent_entries_are_kept(cache: Path) -> None:
    for n in range(build_cache.KEEP + 3):
        build_cache.write("kind", f"k{n}", b"p")
        entry = cache / "kind" / f"k{n}.bin"
        os.utime(entry, (n, n))  # distinct, increasing ages
    kept = sorted(p.stem for p in (cache / "kind").iterdir())
    assert kept == sorted(f"k{n}" for n in range(3, build_cache.KEEP + 3))


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")
def test_a_cached_hyperscan_database_filters_as_a_compiled_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hyperscan

    recognizers = [
        r for r in build_recognizers([], ner=False) if isinstance(r, BaomiPatternRecognizer)
    ]
    compiled = HyperscanPrefilter(recognizers)
    [entry] = (cache / HyperscanPrefilter.CACHE_KIND).iterdir()
    monkeypatch.setattr(hyperscan, "Database", None)  # nothing can be compiled now
    loaded = HyperscanPrefilter(recognizers)  # from the entry
    assert [p.name for p in (cache / HyperscanPrefilter.CACHE_KIND).iterdir()] == [entry.name]
    assert loaded.candidates(TEXTS) == compiled.candidates(TEXTS)
    assert any(loaded.candidates(TEXTS))
