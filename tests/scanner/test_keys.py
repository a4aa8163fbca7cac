import os
import stat

import pytest

from scanner.keys import ENV_VAR, HashKeyError, load_hash_key


def test_key_file_is_created_once_with_mode_0600(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR)
    path = tmp_path / "cfg" / "hash.key"
    key = load_hash_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_hash_key(path) == key  # reused, never regenerated
    assert [p.name for p in path.parent.iterdir()] == ["hash.key"]


def test_environment_key_wins_and_is_validated(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, "ab" * 16)
    assert load_hash_key(tmp_path / "unused.key") == bytes.fromhex("ab" * 16)
    assert not (tmp_path / "unused.key").exists()
    monkeypatch.setenv(ENV_VAR, "not hex")
    with pytest.raises(HashKeyError, match="not hexadecimal"):
        load_hash_key()
    monkeypatch.setenv(ENV_VAR, "abcd")
    with pytest.raises(HashKeyError, match="shorter than 16 bytes"):
        load_hash_key()


def test_a_key_file_others_can_read_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR)
    path = tmp_path / "hash.key"
    load_hash_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(HashKeyError, match="readable by other users"):
        load_hash_key(path)


def test_an_uncreatable_key_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(HashKeyError, match="cannot create hash key"):
        load_hash_key(blocker / "sub" / "hash.key")
