"""The web page's user accounts (scanner/serve/users.py) and ``baomi user``."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.serve import users as users_module
from scanner.serve.users import (
    ENV_VAR,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    UserError,
    UserStore,
    default_users_path,
)

PASSWORD = "correct horse battery"  # at least 10 characters
OTHER = "another-passphrase-42"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "users.json"


def test_an_added_user_verifies_with_its_password_only(path: Path) -> None:
    store = UserStore(path)
    store.add("alice", PASSWORD)
    assert store.verify("alice", PASSWORD) is True
    assert UserStore(path).verify("alice", PASSWORD) is True  # read back from the file
    for wrong in (OTHER, PASSWORD + " ", PASSWORD[:-1], PASSWORD.upper(), "", "x" * 2000):
        assert store.verify("alice", wrong) is False, wrong
    assert store.verify("alice", None) is False  # type: ignore[arg-type]  # no field sent


def test_an_unknown_user_is_refused_after_the_same_work(path: Path, monkeypatch) -> None:
    """A name without an account costs one scrypt too: the time does not tell it exists."""
    store = UserStore(path)
    assert store.verify("nobody", PASSWORD) is False  # no file at all
    store.add("alice", PASSWORD)
    calls: list[bytes] = []
    original = users_module._scrypt
    monkeypatch.setattr(
        users_module,
        "_scrypt",
        lambda pw, salt, params: calls.append(salt) or original(pw, salt, params),
    )
    for name in ("nobody", "Alice", "alice ", "", "a" * 65, "名字"):
        assert store.verify(name, PASSWORD) is False, name
    assert calls == [users_module._DUMMY_SALT] * 6
    calls.clear()
    assert store.verify("alice", PASSWORD) is True
    assert len(calls) == 1 and calls[0] != users_module._DUMMY_SALT


def test_the_file_is_private_and_holds_no_password(path: Path) -> None:
    store = UserStore(path)
    store.add("alice", PASSWORD)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text and PASSWORD.encode().hex() not in text
    document = json.loads(text)
    assert document["version"] == 1
    entry = document["users"]["alice"]
    assert set(entry) == {"scrypt", "salt", "hash", "created"}
    assert entry["scrypt"] == {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
    assert (SCRYPT_N, SCRYPT_R, SCRYPT_P) == (2**14, 8, 1)
    assert len(bytes.fromhex(entry["salt"])) == 16 and len(bytes.fromhex(entry["hash"])) == 32
    assert entry["created"].endswith("Z") and entry["created"][:2] == "20"
    store.add("bob", OTHER)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # rewritten private as well


def test_the_same_password_gets_different_hashes(path: Path) -> None:
    store = UserStore(path)
    store.add("alice", PASSWORD)
    store.add("bob", PASSWORD)
    entries = json.loads(path.read_text(encoding="utf-8"))["users"]
    assert entries["alice"]["salt"] != entries["bob"]["salt"]
    assert entries["alice"]["hash"] != entries["bob"]["hash"]
    assert store.verify("alice", PASSWORD) and store.verify("bob", PASSWORD)


def test_stored_parameters_are_the_ones_used(path: Path) -> None:
    """Raising the cost later leaves the existing hashes checkable with theirs."""
    store = UserStore(path)
    store.add("alice", PASSWORD)
    document = json.loads(path.read_text(encoding="utf-8"))
    entry = document["users"]["alice"]
    entry["scrypt"] = {"n": 2**10, "r": 4, "p": 2}
    entry["hash"] = users_module._scrypt(
        PASSWORD, bytes.fromhex(entry["salt"]), entry["scrypt"]
    ).hex()
    path.write_text(json.dumps(document), encoding="utf-8")
    assert store.verify("alice", PASSWORD) is True
    assert store.verify("alice", OTHER) is False


def test_a_password_is_compared_in_one_unicode_form(path: Path) -> None:
    store = UserStore(path)
    store.add("zoe", "mot de passe é保密")  # é composed
    assert store.verify("zoe", "mot de passe e\u0301保密") is True  # e + combining accent


def test_replace_changes_the_password_and_keeps_the_account(path: Path) -> None:
    store = UserStore(path)
    store.add("alice", PASSWORD)
    created = store.names()[0][1]
    with pytest.raises(UserError, match="already exists"):
        store.add("alice", OTHER)
    assert store.verify("alice", PASSWORD) is True  # the refused add changed nothing
    store.add("alice", OTHER, replace=True)
    assert store.verify("alice", OTHER) is True
    assert store.verify("alice", PASSWORD) is False
    assert store.names() == [("alice", created)]
    entry = json.loads(path.read_text(encoding="utf-8"))["users"]["alice"]
    assert entry["changed"].endswith("Z")


def test_remove(path: Path) -> None:
    server, admin = UserStore(path), UserStore(path)
    admin.add("alice", PASSWORD)
    admin.add("bob", OTHER)
    assert server.verify("alice", PASSWORD) and server.exists("alice")  # cached by the server
    assert admin.remove("alice") is True
    assert server.verify("alice", PASSWORD) is False  # the file changed: re-read
    assert not server.exists("alice") and server.exists("bob")
    assert admin.remove("alice") is False
    assert [name for name, _ in server.names()] == ["bob"]


def test_no_file_means_no_users(path: Path) -> None:
    store = UserStore(path)
    assert store.names() == [] and store.remove("alice") is False
    assert not store.exists("alice")
    assert not path.exists()


def test_invalid_names_and_passwords_are_refused(path: Path) -> None:
    store = UserStore(path)
    for bad in ("", "a" * 65, "has space", "名字", "a/b", "a\nb", "x;y"):
        with pytest.raises(UserError, match="invalid user name"):
            store.add(bad, PASSWORD)
    for bad in ("", "short", "x" * 9, "x" * 1025):
        with pytest.raises(UserError, match="10 to 1024 characters") as caught:
            store.add("alice", bad)
        assert bad not in str(caught.value) or bad == ""
    assert not path.exists()  # nothing written
    store.add("a" * 64, "x" * 10)
    store.add("b.c_d-9", "y" * 1024)
    assert [name for name, _ in store.names()] == ["a" * 64, "b.c_d-9"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a version 1 baomi user file"),
        ('{"version": 2, "users": {}}', "not a version 1"),
        ('{"version": 1}', 'no "users"'),
        ('{"version": 1, "users": {"alice": "abc"}}', "needs"),
        ('{"version": 1, "users": {"bad name": {}}}', "invalid user name"),
    ],
)
def test_a_corrupt_file_is_an_error_naming_it(path: Path, content: str, says: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    store = UserStore(path)
    calls = (lambda: store.verify("alice", PASSWORD), store.names, lambda: store.add("x", PASSWORD))
    for call in calls:
        with pytest.raises(UserError) as caught:
            call()
        assert str(path) in str(caught.value) and says in str(caught.value)
    assert path.read_text(encoding="utf-8") == content  # never overwritten


def _entry(**change: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "scrypt": {"n": 16384, "r": 8, "p": 1},
        "salt": "ab" * 16,
        "hash": "cd" * 32,
        "created": "2025-01-02T03:04:05Z",
    }
    entry.update(change)
    return entry


@pytest.mark.parametrize(
    "entry",
    [
        _entry(scrypt={"n": 1000, "r": 8, "p": 1}),  # not a power of two
        _entry(scrypt={"n": 2**24, "r": 8, "p": 1}),  # 2 GiB per try
        _entry(scrypt={"n": 16384, "r": 8, "p": 100}),
        _entry(scrypt={"n": 16384, "r": 8}),
        _entry(scrypt={"n": 16384.0, "r": 8, "p": 1}),
        _entry(scrypt={"n": 16384, "r": True, "p": 1}),
        _entry(salt="ab" * 8),  # 8 bytes: too short
        _entry(salt="zz" * 16),
        _entry(hash="cd" * 16),
        _entry(hash="CD" * 32),
        _entry(created=5),
        _entry(changed=None),
    ],
)
def test_a_malformed_entry_is_refused_without_quoting_it(path: Path, entry: dict) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "users": {"alice": entry}}), encoding="utf-8")
    with pytest.raises(UserError, match="entry 'alice' needs") as caught:
        UserStore(path).verify("alice", PASSWORD)
    message = str(caught.value)
    assert str(path) in message and "abab" not in message and "cdcd" not in message
    assert UserStore(path.with_name("good.json")).names() == []
    path.write_text(json.dumps({"version": 1, "users": {"alice": _entry()}}), encoding="utf-8")
    assert UserStore(path).verify("alice", PASSWORD) is False  # the well-formed one reads


def test_undecodable_file_is_an_error_naming_it(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(UserError, match="not UTF-8") as caught:
        UserStore(path).names()
    assert str(path) in str(caught.value)


def test_concurrent_adds_lose_none(path: Path) -> None:
    names = [f"u{i}" for i in range(6)]
    threads = [threading.Thread(target=UserStore(path).add, args=(n, PASSWORD)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = UserStore(path)
    assert sorted(name for name, _ in store.names()) == names
    assert all(store.verify(name, PASSWORD) for name in names)


def test_default_path_is_beside_the_token_file_unless_overridden(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("BAOMI_TOKENS", str(tmp_path / "tokens-elsewhere.json"))  # no effect
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_users_path() == tmp_path / "xdg" / "baomi" / "users.json"
    assert UserStore().path == tmp_path / "xdg" / "baomi" / "users.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_users_path() == tmp_path / "home" / ".config" / "baomi" / "users.json"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere.json"))
    assert UserStore().path == tmp_path / "elsewhere.json"
    assert UserStore(tmp_path / "given.json").path == tmp_path / "given.json"


# -- baomi user -------------------------------------------------------------------------


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_cli_round_trip(path: Path, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "--users", str(path), "add", "alice", "--password-stdin"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "已添加用户 added user alice" in err and PASSWORD not in err
    assert UserStore(path).verify("alice", PASSWORD) is True
    assert UserStore(path).verify("alice", PASSWORD + "\n") is False  # the newline is not kept

    assert main(["user", "list", "--users", str(path)]) == 0  # --users after the action
    out, err = capsys.readouterr()
    assert out.split()[0] == "alice" and len(out.splitlines()) == 1
    stored = json.loads(path.read_text(encoding="utf-8"))["users"]["alice"]
    assert stored["hash"] not in out + err and stored["salt"] not in out + err

    _stdin(monkeypatch, OTHER + "\r\n")  # a Windows line ending as well
    assert main(["user", "--users", str(path), "passwd", "alice", "--password-stdin"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "已更改密码" in err and "alice" in err and OTHER not in err
    assert UserStore(path).verify("alice", OTHER) is True
    assert UserStore(path).verify("alice", PASSWORD) is False

    assert main(["user", "--users", str(path), "remove", "alice"]) == 0
    assert "已删除用户 removed user alice" in capsys.readouterr().err
    assert UserStore(path).names() == []


def test_cli_asks_twice_at_the_terminal(path: Path, monkeypatch, capsys) -> None:
    import getpass

    answers = iter([PASSWORD, PASSWORD, PASSWORD, OTHER])
    prompts: list[str] = []
    monkeypatch.setattr(
        getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(answers)
    )
    assert main(["user", "--users", str(path), "add", "alice"]) == 0
    assert len(prompts) == 2 and "password" in prompts[0]
    assert UserStore(path).verify("alice", PASSWORD) is True
    capsys.readouterr()
    assert main(["user", "--users", str(path), "passwd", "alice"]) == 2  # do not match
    out, err = capsys.readouterr()
    assert "do not match" in err and PASSWORD not in err + out and OTHER not in err + out
    assert UserStore(path).verify("alice", PASSWORD) is True  # unchanged


def test_cli_user_errors_exit_2_with_a_line(path: Path, monkeypatch, capsys) -> None:
    assert main(["user", "--users", str(path), "remove", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "no user named nobody" in err and err.startswith("baomi: 错误 error:")

    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "--users", str(path), "passwd", "nobody", "--password-stdin"]) == 2
    assert "no user named nobody" in capsys.readouterr().err
    assert not path.exists()

    _stdin(monkeypatch, "short\n")
    assert main(["user", "--users", str(path), "add", "alice", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert "10 to 1024 characters" in err and "short" not in err

    _stdin(monkeypatch, "")
    assert main(["user", "--users", str(path), "add", "alice", "--password-stdin"]) == 2
    assert "no password on standard input" in capsys.readouterr().err

    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "--users", str(path), "add", "bad name", "--password-stdin"]) == 2
    assert "invalid user name" in capsys.readouterr().err

    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "--users", str(path), "add", "alice", "--password-stdin"]) == 0
    capsys.readouterr()
    _stdin(monkeypatch, OTHER + "\n")
    assert main(["user", "--users", str(path), "add", "alice", "--password-stdin"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "already exists" in err and "baomi user passwd" in err
    assert UserStore(path).verify("alice", PASSWORD) is True
    assert main(["user"]) == 2  # an action is required
    capsys.readouterr()


def test_cli_uses_the_environment_variable(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "env-users.json"
    monkeypatch.setenv(ENV_VAR, str(path))
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["user", "add", "alice", "--password-stdin"]) == 0
    assert UserStore(path).verify("alice", PASSWORD) is True
    assert main(["user", "list"]) == 0
    assert "alice" in capsys.readouterr().out


def test_cli_corrupt_file_exits_2_naming_it(path: Path, capsys) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("{", encoding="utf-8")
    assert main(["user", "--users", str(path), "list"]) == 2
    assert str(path) in capsys.readouterr().err


def test_cli_empty_list_says_so(path: Path, capsys) -> None:
    assert main(["user", "--users", str(path), "list"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no users" in err
