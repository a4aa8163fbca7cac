"""The HTTP API's bearer tokens (scanner/serve/tokens.py) and ``baomi token``."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.serve.tokens import (
    ENV_VAR,
    PREFIX,
    TokenError,
    TokenStore,
    default_tokens_path,
    hash_token,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "tokens.json"


def test_a_created_token_verifies_as_its_name(path: Path) -> None:
    store = TokenStore(path)
    token = store.create("ci")
    assert token.startswith(PREFIX) and len(token) == len(PREFIX) + 43  # 32 bytes, base64url
    assert store.verify(token) == "ci"
    other = store.create("deploy.prod-1")
    assert store.verify(other) == "deploy.prod-1"
    assert store.verify(token) == "ci"
    assert TokenStore(path).verify(token) == "ci"  # read back from the file


def test_wrong_modified_or_unprefixed_tokens_are_refused(path: Path) -> None:
    store = TokenStore(path)
    token = store.create("ci")
    last = token[-1]
    changed = token[:-1] + ("A" if last != "A" else "B")
    body = token.removeprefix(PREFIX)
    for bad in (changed, token + "x", token[:-1], body, "x" + token, PREFIX, "", token.upper()):
        assert store.verify(bad) is None, bad
    assert store.verify(PREFIX + "é" * 43) is None  # not ASCII: not a token, no error
    assert store.verify(PREFIX + "a" * 10_000) is None  # far too long: not even hashed
    assert store.verify(None) is None  # type: ignore[arg-type]  # a missing header


def test_no_file_means_no_tokens(path: Path) -> None:
    store = TokenStore(path)
    assert store.verify(PREFIX + "a" * 43) is None
    assert store.names() == []
    assert store.revoke("ci") is False
    assert not path.exists()


def test_revoke_stops_the_token_also_in_a_store_that_had_read_the_file(path: Path) -> None:
    server, admin = TokenStore(path), TokenStore(path)
    token = admin.create("ci")
    kept = admin.create("kept")
    assert server.verify(token) == "ci"  # the server has parsed and cached the file
    assert admin.revoke("ci") is True
    assert server.verify(token) is None  # the file changed: re-read without a restart
    assert server.verify(kept) == "kept"
    assert admin.revoke("ci") is False
    assert [name for name, _ in server.names()] == ["kept"]


def test_an_unchanged_file_is_not_parsed_again(path: Path, monkeypatch) -> None:
    store = TokenStore(path)
    token = store.create("ci")
    assert store.verify(token) == "ci"
    parsed = []
    original = TokenStore._parse_file
    monkeypatch.setattr(TokenStore, "_parse_file", lambda s: parsed.append(1) or original(s))
    for _ in range(5):
        assert store.verify(token) == "ci"
    assert parsed == []
    TokenStore(path).create("other")
    parsed.clear()  # the create read the file too
    assert store.verify(token) == "ci"
    assert store.verify(token) == "ci"
    assert parsed == [1]  # once for the change, not per request


def test_the_file_is_private_and_holds_only_the_hash(path: Path) -> None:
    store = TokenStore(path)
    token = store.create("ci")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert token not in text and token.removeprefix(PREFIX) not in text
    document = json.loads(text)
    assert document["version"] == 1
    assert set(document["tokens"]) == {"ci"}
    entry = document["tokens"]["ci"]
    assert entry["sha256"] == hash_token(token)
    assert entry["created"].endswith("Z") and entry["created"][:2] == "20"
    store.revoke("ci")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # rewritten private as well


def test_duplicate_and_invalid_names_are_refused(path: Path) -> None:
    store = TokenStore(path)
    first = store.create("ci")
    with pytest.raises(TokenError, match="already exists"):
        store.create("ci")
    assert store.verify(first) == "ci"  # the refused create changed nothing
    for bad in ("", "a" * 65, "has space", "名字", "a/b", "a\nb", "x;y"):
        with pytest.raises(TokenError, match="invalid token name"):
            store.create(bad)
    assert store.create("a" * 64).startswith(PREFIX)
    assert [name for name, _ in store.names()] == ["ci", "a" * 64]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a version 1"),
        ('{"version": 2, "tokens": {}}', "not a version 1"),
        ('{"version": 1}', 'no "tokens"'),
        ('{"version": 1, "tokens": {"ci": "abc"}}', "needs"),
        ('{"version": 1, "tokens": {"ci": {"sha256": "12", "created": "x"}}}', "needs"),
        (
            '{"version": 1, "tokens": {"bad name": {"sha256": "%s", "created": "x"}}}' % ("0" * 64),
            "invalid token name",
        ),
    ],
)
def test_a_corrupt_file_is_an_error_naming_it(path: Path, content: str, says: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    store = TokenStore(path)
    for call in (lambda: store.verify(PREFIX + "a" * 43), store.names, lambda: store.create("x")):
        with pytest.raises(TokenError) as caught:
            call()
        assert str(path) in str(caught.value) and says in str(caught.value)
    assert path.read_text(encoding="utf-8") == content  # never overwritten


def test_undecodable_file_is_an_error_naming_it(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(TokenError, match="not UTF-8") as caught:
        TokenStore(path).names()
    assert str(path) in str(caught.value)


def test_concurrent_creates_lose_none(path: Path) -> None:
    """Each change is read-modify-write under a lock: none overwrites another's."""
    tokens: dict[str, str] = {}

    def create(name: str) -> None:
        tokens[name] = TokenStore(path).create(name)

    threads = [threading.Thread(target=create, args=(f"t{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = TokenStore(path)
    assert sorted(name for name, _ in store.names()) == sorted(tokens)
    assert all(store.verify(token) == name for name, token in tokens.items())


def test_default_path_is_beside_the_hash_key_unless_overridden(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_tokens_path() == tmp_path / "xdg" / "baomi" / "tokens.json"
    assert TokenStore().path == tmp_path / "xdg" / "baomi" / "tokens.json"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere.json"))
    assert TokenStore().path == tmp_path / "elsewhere.json"
    assert TokenStore(tmp_path / "given.json").path == tmp_path / "given.json"


# -- baomi token ------------------------------------------------------------------------


def test_cli_round_trip(path: Path, capsys) -> None:
    assert main(["token", "--tokens", str(path), "create", "ci"]) == 0
    out, err = capsys.readouterr()
    token = out.splitlines()[-1]
    assert out == token + "\n"  # nothing else on standard output
    assert "已创建令牌" in err and "shown only once" in err and token not in err
    assert TokenStore(path).verify(token) == "ci"

    assert main(["token", "list", "--tokens", str(path)]) == 0  # --tokens after the action
    out, err = capsys.readouterr()
    assert out.split()[0] == "ci"
    assert hash_token(token) not in out + err and token not in out + err

    assert main(["token", "--tokens", str(path), "revoke", "ci"]) == 0
    assert "已吊销令牌" in capsys.readouterr().err
    assert TokenStore(path).verify(token) is None


def test_cli_uses_the_environment_variable(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "env-tokens.json"
    monkeypatch.setenv(ENV_VAR, str(path))
    assert main(["token", "create", "ci"]) == 0
    token = capsys.readouterr().out.splitlines()[-1]
    assert TokenStore(path).verify(token) == "ci"
    assert main(["token", "list"]) == 0
    assert "ci" in capsys.readouterr().out


def test_cli_user_errors_exit_2_with_a_line(path: Path, capsys) -> None:
    assert main(["token", "--tokens", str(path), "revoke", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "no token named nobody" in err and err.startswith("baomi: 错误 error:")
    assert main(["token", "--tokens", str(path), "create", "ci"]) == 0
    capsys.readouterr()
    assert main(["token", "--tokens", str(path), "create", "ci"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "already exists" in err
    assert main(["token", "--tokens", str(path), "create", "bad name"]) == 2
    assert "invalid token name" in capsys.readouterr().err
    assert main(["token"]) == 2  # an action is required
    capsys.readouterr()


def test_cli_corrupt_file_exits_2_naming_it(path: Path, capsys) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("{", encoding="utf-8")
    assert main(["token", "--tokens", str(path), "list"]) == 2
    assert str(path) in capsys.readouterr().err


def test_cli_empty_list_says_so(path: Path, capsys) -> None:
    assert main(["token", "--tokens", str(path), "list"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no tokens" in err
