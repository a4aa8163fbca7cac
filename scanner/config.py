"""``baomi.toml``: settings that change behaviour without code, validated on load.

Example::

    [scan]
    min_score = 0.5            # findings below this score are not reported
    entities = []              # empty: every entity type
    ner = true                 # people, organisations, addresses in free text (a ~1 s model load)
    exclude = ["*.tmp", "~$*"] # glob patterns on file names
    follow_symlinks = false

    [limits]                   # hostile files; see scanner/scan/limits.py for every key
    max_file_mb = 200          # larger non-text files are skipped (text files are streamed)
    file_timeout_s = 120       # a file taking longer is abandoned and reported

    [ocr]                      # text in scans, photos and pictures (scanner/scan/ocr.py)
    enabled = true             # false, or `baomi scan --no-ocr`: pictures are noted, not read
    max_pages = 50             # pages of one scanned PDF or TIFF read
    min_image_px = 48          # smaller pictures (icons, logos) are not read
    file_budget_s = 60         # OCR time for one file; what is left is noted unread

    [clients]
    registry = "clients.csv"   # relative to this file

    [context]
    before = 16                # characters before a match searched for context words
    after = 6
    boost = 0.35               # added to the score when a context word is near

    [security]
    hash_key_file = "~/.config/baomi/hash.key"

    [allow]                    # never reported, whatever recognizer finds them
    terms = ["保密公关顾问有限公司", "新华社"]

    [inventory]
    path = "/var/lib/baomi/inventory.db"   # default ./.baomi/inventory.db (or $BAOMI_INVENTORY)

    [policies.subcontractor]   # redaction policies (scanner/redact/policy.py)
    default = "mask"
    CN_ADDRESS = "keep"

    [redact]
    audit_log = "/var/log/baomi/redact.jsonl"   # default: audit.jsonl beside the inventory
    keep_id_region = false     # mask keeps an ID's region code and check character

    [retention]
    quarantine = "/var/lib/baomi/quarantine"   # default: quarantine/ beside the inventory
    quarantine_days = 30       # deleted files are kept this long before final deletion

    [grades]                   # sensitivity grade → entity types (replaces that grade's default)
    "敏感个人信息" = ["CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"]   # TOML: quote Chinese keys

    [doc_grades]               # document grades (scanner/scan/doc_grade.py), first match wins
    "核心" = { all = ["CLIENT"], any = ["UNDISCLOSED_EVENT", "CONFIDENTIAL_MARKING"], category = 2 }

    [recognizers.QqNumberRecognizer]   # one recognizer, by class name (recognizers/*.py)
    enabled = false            # switched off
    [recognizers.CnPassportRecognizer]
    score = 0.6                # the base score of its patterns (pattern recognizers)
    context = ["护照", "证件号"]  # replaces its context words (pattern recognizers)
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.scan.limits import Limits
from scanner.scan.ocr import OcrSettings

if TYPE_CHECKING:
    from recognizers.registry import RecognizerSettings
    from scanner.scan.doc_grade import GradeRules


class ConfigError(Exception):
    """A configuration problem, reported in one line and exit code 2."""


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
DATE_FORMS = "2025-06-30, 2025/6/30, 2025.6.30, 2025年6月30日"  # what parse_date accepts


def parse_date(text: str) -> dt.date:
    """A date written in any of ``DATE_FORMS`` (the client registry, ``--as-of``);
    ValueError otherwise. Here, not in clients.py, so that parsing ``--as-of`` stays light."""
    m = _DATE.fullmatch(text.strip())
    if m is None:
        raise ValueError(text)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


@dataclass(frozen=True)
class ScanSettings:
    min_score: float = 0.5
    entities: tuple[str, ...] = ()
    ner: bool = True
    exclude: tuple[str, ...] = ("~$*", ".~lock.*#", "*.tmp", "*.part", ".DS_Store")
    follow_symlinks: bool = False


@dataclass(frozen=True)
class ReportSettings:
    """``[report]``: what the printed workbook's and the PDF report's pages say, and the
    PDF's font (``reports/fonts.py``)."""

    firm: str = ""  # the firm's name, at the top of every printed page
    marking: str = "机密"  # 内部 / 机密 …: the classification printed on every page
    font: str = ""  # the PDF report's Chinese TrueType font; default: a system one


@dataclass(frozen=True)
class ContextSettings:
    before: int = 16
    after: int = 6
    boost: float = 0.35


@dataclass(frozen=True)
class Config:
    scan: ScanSettings = field(default_factory=ScanSettings)
    context: ContextSettings = field(default_factory=ContextSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    limits: Limits = field(default_factory=Limits)
    allow: tuple[str, ...] = ()
    client_registry: Path | None = None
    contacts_register: Path | None = None  # [clients] contacts: a CRM export (exact match)
    # [clients] show_names = true: reports name the firm's clients as the register does
    # (they are its own business records); by default masked like every value, since
    # nothing raw leaves a scan unless the user asks
    show_client_names: bool = False
    hash_key_file: Path | None = None
    inventory: Path | None = None
    grades: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redact_key_file: Path | None = None
    policies: dict[str, dict[str, str]] = field(default_factory=dict)
    audit_log: Path | None = None
    keep_id_region: bool = False
    quarantine: Path | None = None
    quarantine_days: int = 30
    doc_grades: dict | None = None  # [doc_grades], parsed by scanner/scan/doc_grade.py
    # [recognizers.<Name>], by recognizer class name (recognizers/registry.py)
    recognizers: dict[str, RecognizerSettings] = field(default_factory=dict)
    # [doc_grades] parsed and checked at load (scanner/scan/doc_grade.py); None: the defaults
    grade_rules: GradeRules | None = None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    _reject_unknown(
        data,
        {
            "scan",
            "clients",
            "context",
            "security",
            "limits",
            "ocr",
            "allow",
            "inventory",
            "grades",
            "policies",
            "redact",
            "retention",
            "doc_grades",
            "recognizers",
            "report",
        },
        str(path),
    )
    allow = data.get("allow", {})
    _reject_unknown(allow, {"terms"}, f"{path} [allow]")
    terms = allow.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ConfigError(f"{path} [allow]: terms must be a list of strings")
    base = path.parent
    clients = data.get("clients", {})
    _reject_unknown(clients, {"registry", "contacts", "show_names"}, f"{path} [clients]")
    show_names = clients.get("show_names", False)
    if not isinstance(show_names, bool):
        raise ConfigError(f"{path} [clients] show_names must be true or false")
    security = data.get("security", {})
    _reject_unknown(security, {"hash_key_file", "redact_key_file"}, f"{path} [security]")
    redact = data.get("redact", {})
    _reject_unknown(redact, {"audit_log", "keep_id_region"}, f"{path} [redact]")
    if not isinstance(redact.get("keep_id_region", False), bool):
        raise ConfigError(f"{path} [redact]: keep_id_region must be true or false")
    retention = data.get("retention", {})
    _reject_unknown(retention, {"quarantine", "quarantine_days"}, f"{path} [retention]")
    days = retention.get("quarantine_days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError(f"{path} [retention]: quarantine_days must be a whole number of days")
    inventory = data.get("inventory", {})
    _reject_unknown(inventory, {"path"}, f"{path} [inventory]")
    config = Config(
        scan=_section(ScanSettings, data.get("scan", {}), f"{path} [scan]"),
        context=_section(ContextSettings, data.get("context", {}), f"{path} [context]"),
        report=_section(ReportSettings, data.get("report", {}), f"{path} [report]"),
        limits=replace(
            _section(Limits, data.get("limits", {}), f"{path} [limits]"),
            ocr=_section(OcrSettings, data.get("ocr", {}), f"{path} [ocr]"),
        ),
        allow=tuple(terms),
        client_registry=_path(base, clients.get("registry")),
        contacts_register=_path(base, clients.get("contacts")),
        show_client_names=show_names,
        hash_key_file=_path(base, security.get("hash_key_file")),
        inventory=_path(base, inventory.get("path")),
        grades=_grades(data.get("grades", {}), f"{path} [grades]"),
        redact_key_file=_path(base, security.get("redact_key_file")),
        policies=_policies(data.get("policies", {}), f"{path} [policies]"),
        audit_log=_path(base, redact.get("audit_log")),
        keep_id_region=redact.get("keep_id_region", False),
        quarantine=_path(base, retention.get("quarantine")),
        quarantine_days=days,
        doc_grades=data.get("doc_grades"),
        recognizers=_recognizers(data.get("recognizers", {}), path),
    )
    return _checked(config)


def _checked(config: Config) -> Config:
    """What needs the entity catalogue, checked here too, so that a configuration loads
    whole or not at all: the entity types named in ``[grades]``, ``[doc_grades]`` and
    ``[policies]`` (the catalogue is loaded only when one of them is there)."""
    if not (config.grades or config.doc_grades is not None or config.policies):
        return config
    from recognizers.registry import all_entities
    from scanner.redact.policy import PolicyError, load_policies, validate
    from scanner.scan.doc_grade import GradeRules

    known = all_entities()
    for grade, graded in config.grades.items():
        unknown = [e for e in graded if e not in known]
        if unknown:
            raise ConfigError(f"[grades] {grade}: unknown entity type {unknown[0]}")
    try:
        for policy in load_policies(config.policies).values():
            validate(policy, frozenset(known))
    except PolicyError as exc:
        raise ConfigError(str(exc)) from None
    if config.doc_grades is None:
        return config
    return replace(config, grade_rules=GradeRules.from_config(config.doc_grades, known))


# policy settings that are not an operator name, and the TOML types they take
# (scanner/redact/policy.py checks the values: a boolean, a score between 0 and 1)
POLICY_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "honour_suppressions": (bool,),
    "min_score": (int, float),
}


def _policies(table: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected tables such as [policies.media]")
    out = {}
    for name, policy in table.items():
        if not isinstance(policy, dict) or not all(
            isinstance(k, str) and isinstance(v, POLICY_SETTING_TYPES.get(k, (str,)))
            for k, v in policy.items()
        ):
            raise ConfigError(
                f'{where}.{name}: expected entity = "operator" lines '
                "(honour_suppressions = true or false, min_score = a number)"
            )
        out[name] = dict(policy)
    return out


def _grades(table: Any, where: str) -> dict[str, tuple[str, ...]]:
    from scanner.sensitivity import GRADES

    _reject_unknown(table, set(GRADES), where)
    out = {}
    for grade, entities in table.items():
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            raise ConfigError(f"{where}: {grade} must be a list of entity types")
        out[grade] = tuple(entities)
    return out


RECOGNIZER_KEYS = {"enabled", "score", "context"}


def _recognizers(table: Any, path: Path) -> dict[str, RecognizerSettings]:
    """``[recognizers.<Name>]`` tables: ``enabled``, ``score`` and ``context`` per recognizer,
    as Presidio's recognizer registry YAML sets them."""
    where = f"{path} [recognizers]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected tables such as [recognizers.QqNumberRecognizer]")
    if not table:
        return {}
    from recognizers.registry import RecognizerSettings, recognizer_names, tunable_settings

    names = recognizer_names()
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ConfigError(
            f"{where}: unknown recognizer(s) {', '.join(unknown)}; recognizers are "
            f"{', '.join(names)}"
        )
    out = {}
    for name, settings in table.items():
        here = f"{path} [recognizers.{name}]"
        _reject_unknown(settings, RECOGNIZER_KEYS, here)
        allowed = {"enabled"} | tunable_settings(name)
        fixed = sorted(set(settings) - allowed)
        if fixed:
            raise ConfigError(
                f"{here}: {', '.join(fixed)} cannot be set for {name} "
                f"(only {', '.join(sorted(allowed))})"
            )
        enabled = settings.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{here}: enabled must be true or false")
        score = settings.get("score")
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1
        ):
            raise ConfigError(f"{here}: score must be a number between 0 and 1")
        context = settings.get("context")
        if context is not None and (
            not isinstance(context, list) or not all(isinstance(w, str) and w for w in context)
        ):
            raise ConfigError(f"{here}: context must be a list of non-empty strings")
        out[name] = RecognizerSettings(
            enabled,
            None if score is None else float(score),
            None if context is None else tuple(context),
        )
    return out


def _path(base: Path, value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"expected a path string, got {value!r}")
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _reject_unknown(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")


def _section(cls, table: dict, where: str):
    # a field marked ``metadata={"config": False}`` is set by the application, not by a user
    settable = [f for f in fields(cls) if f.metadata.get("config", True)]
    _reject_unknown(table, {f.name for f in settable}, where)
    values = {}
    for f in settable:
        if f.name not in table:
            continue
        value = table[f.name]
        default = getattr(cls(), f.name)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {f.name} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {f.name} must be true or false")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where}: {f.name} must be a non-negative number")
            value = type(default)(value)
        elif isinstance(default, str) and (not isinstance(value, str) or len(value) > 80):
            raise ConfigError(f"{where}: {f.name} must be a text of at most 80 characters")
        values[f.name] = value
    settings = cls(**values)
    if isinstance(settings, ScanSettings) and not 0 <= settings.min_score <= 1:
        raise ConfigError(f"{where}: min_score must be between 0 and 1")
    return settings
