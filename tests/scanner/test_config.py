from pathlib import Path

import pytest

from scanner.config import Config, ConfigError, load_config


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.scan.min_score == 0.5 and "~$*" in config.scan.exclude


def test_values_and_paths_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "baomi.toml"
    path.write_text(
        '[scan]\nmin_score = 0.7\nentities = ["PHONE_NUMBER"]\n[limits]\nmax_file_mb = 5\n'
        '[clients]\nregistry = "reg/clients.csv"\n[context]\nboost = 0.2\n'
        '[security]\nhash_key_file = "/etc/baomi/key"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.scan.min_score == 0.7
    assert config.scan.entities == ("PHONE_NUMBER",)
    assert config.limits.max_file_mb == 5.0
    assert config.client_registry == tmp_path / "reg" / "clients.csv"
    assert config.context.boost == 0.2
    assert config.hash_key_file == Path("/etc/baomi/key")


@pytest.mark.parametrize(
    "text, message",
    [
        ("[scan]\nmin_score = 2\n", "min_score must be between 0 and 1"),
        ("[scan]\nmin_score = 'high'\n", "min_score must be a non-negative number"),
        ("[scan]\nentities = 'PHONE'\n", "entities must be a list of strings"),
        ("[scan]\nfollow_symlinks = 1\n", "follow_symlinks must be true or false"),
        ("[scanner]\n", "unknown setting"),
        ("[scan\n", "invalid TOML"),
    ],
)
def test_invalid_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baomi.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_allow_list_terms(tmp_path: Path) -> None:
    path = tmp_path / "baomi.toml"
    path.write_text('[allow]\nterms = ["新华社", "保密公关顾问有限公司"]\n', encoding="utf-8")
    assert load_config(path).allow == ("新华社", "保密公关顾问有限公司")
    path.write_text('[allow]\nterms = "新华社"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="terms must be a list of strings"):
        load_config(path)
