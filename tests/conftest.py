"""Suite-wide settings: a fixed fingerprint key, so no test writes a key into $HOME."""

import pytest

TEST_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


@pytest.fixture(autouse=True)
def _fixed_hash_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_HASH_KEY", TEST_KEY_HEX)
