"""Suite-wide settings: a fixed fingerprint key, so no test writes a key into $HOME."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

# The suite is reproducible: hypothesis draws the same examples on every run (CI must not
# turn red on a new random draw). BAOMI_HYPOTHESIS=explore draws fresh ones, for hunting.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("BAOMI_HYPOTHESIS", "repeatable"))

TEST_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


@pytest.fixture(scope="session", autouse=True)
def _private_session_environment(tmp_path_factory) -> Iterator[None]:
    """The same for module- and session-scoped fixtures, which run before the function-scoped
    ones below (the demo-share scan once wrote ./.baomi/inventory.db and its .lock into the
    checkout and a hash key into $HOME); new keys go to a temporary config folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BAOMI_HASH_KEY", TEST_KEY_HEX)
        patch.setenv("BAOMI_INVENTORY", str(tmp_path_factory.mktemp("inv") / "inventory.db"))
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def _fixed_hash_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_HASH_KEY", TEST_KEY_HEX)


@pytest.fixture(autouse=True)
def _private_inventory(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Every test's scans record into their own inventory, never ./.baomi of the checkout."""
    monkeypatch.setenv("BAOMI_INVENTORY", str(tmp_path_factory.mktemp("inv") / "inventory.db"))


@pytest.fixture(scope="session")
def analyzer_all():
    """Every recognizer, no client registry, the default threshold (built once)."""
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    return Analyzer(build_recognizers())


@pytest.fixture()
def make_scanner(analyzer_all):
    """A Scanner with the test key and any ScanOptions/Limits overrides."""
    from scanner.scan.limits import Limits
    from scanner.scan.pipeline import Scanner, ScanOptions

    def make(limits: Limits | None = None, **options) -> Scanner:
        opts = ScanOptions(limits=limits or Limits(), **options)
        return Scanner(analyzer_all, bytes.fromhex(TEST_KEY_HEX), options=opts)

    return make
