"""The entity catalogue: every entity type baomi reports, declared once, beside its recognizer.

A recognizer class declares the entity types it introduces as ``SPECS``, a tuple of
``EntitySpec`` (name, descriptions, sensitivity grade, mask shape, label word, whether
it identifies a client …). Everything else that depends on an entity type is computed
from here: the mask shapes of ``scanner/masking.py``, the label words of
``scanner/redact/operators.py``, the default grades of ``scanner/sensitivity.py``, the
identity and signal sets of ``scanner/scan/classify.py`` and
``scanner/scan/doc_grade.py``, the names made consistent across a document
(``scanner/scan/pipeline.py``, ``scanner/redact/engine.py``), the types left readable in
paths (``scanner/scan/paths.py``), and the list ``baomi entities`` prints. ``scanner/``
and ``reports/`` name no entity type by hand beyond an allow-list
(``tests/recognizers/test_catalogue.py``). A type several recognizers report
(``PHONE_NUMBER``: Chinese and international numbers) is declared by one of them; the
others name it in ``REPORTS``.

Recognizers are discovered, as detect-secrets discovers its plugins: every module of
the ``recognizers`` package is imported and every ``EntityRecognizer`` subclass defined
in it is collected, except base classes marked ``ABSTRACT = True``. They come in the
order of their ``PRIORITY`` (lower first; then module and class name): the order is
the tie-break when two types claim the same span with the same score, so the more
specific (better validated) type comes first.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from presidio_analyzer import EntityRecognizer

from recognizers.normalize import compact

# Sensitivity grades (scanner/sensitivity.py), most to least sensitive:
SENSITIVE = "敏感个人信息"  # PIPL art. 28: identity documents, financial accounts
PERSONAL = "个人信息"  # names, phone numbers, e-mail, WeChat, QQ, addresses
BUSINESS = "客户商业信息"  # client names, organisation codes
GENERAL = "一般"
GRADES = (SENSITIVE, PERSONAL, BUSINESS, GENERAL)

KEEP_SHAPE = "keep"
NAME_SHAPE = "name"
EMAIL_SHAPE = "email"
MASK_SHAPES = (KEEP_SHAPE, NAME_SHAPE, EMAIL_SHAPE)

# How a finding meets a registered client's name on the same characters
# (scanner/scan/analyze.py resolve_overlaps); a known client is never split or renamed
COMPETES = ""  # an ordinary overlap: the higher score, then the longer span wins
YIELDS = "yields"  # dropped wherever it touches a client (a person's name inside 星河传媒)
CONTAINS = "contains"  # kept only when it strictly contains the client (the legal name
# around a registered alias, an address naming the client's building): never cuts it
CLIENT_OVERLAPS = (COMPETES, YIELDS, CONTAINS)

DEFAULT_PRIORITY = 1000


class CatalogueError(Exception):
    """The catalogue contradicts itself: a type declared twice, or reported but never declared."""


@dataclass(frozen=True)
class EntitySpec:
    """One entity type and everything baomi does with it besides finding it."""

    name: str
    description_zh: str
    description_en: str
    grade: str = GENERAL
    # characters a mask keeps at the start and at the end; None: one and one
    # (e-mail addresses and non-ASCII values have shapes of their own, scanner/masking.py)
    keep: tuple[int, int] | None = None
    # how a mask is drawn (scanner/masking.py): KEEP_SHAPE keeps ``keep`` characters;
    # NAME_SHAPE masks like a name (北京******公司), ASCII or not; EMAIL_SHAPE keeps only the
    # domain's public suffix. Non-ASCII values of any type are masked as names.
    mask_shape: str = KEEP_SHAPE
    label: str = ""  # the word of redaction labels ([电话1]); empty: the type name
    identity: bool = False  # identifies a client or a person (category 1, 基础身份信息)
    # a category-2 signal (core business secret), not an identifier: the mask operator
    # writes its label word, since a partial mask (¥12****) would still say what it hides
    signal: bool = False
    discountable: bool = False  # a signal a public text or a template may carry harmlessly
    lettered: bool = False  # labels lettered (客户A, 客户B …) rather than numbered
    # a name (a person, an organisation, a client): confirmed once in a document, it is
    # reported at every other place it stands in that document (scanner/scan/pipeline.py
    # CONSISTENT_TYPES) and replaced there by a redaction (scanner/redact/engine.py
    # DOCUMENT_NAME_TYPES), also where nothing marks it (王芳 after 联系人 once, alone later)
    name_like: bool = False
    # left readable in folder and file names shown in reports (scanner/scan/paths.py
    # READABLE_IN_PATHS): business names a share is organised by, or markings that hold no
    # value. False, the safe default: the value is masked in every path baomi shows
    readable_in_paths: bool = False
    client_overlap: str = COMPETES  # against a registered client's name (CLIENT_OVERLAPS)
    # the canonical form for fingerprints, after full-width folding and stripping
    normalise: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        if self.grade not in GRADES:
            raise CatalogueError(f"{self.name}: unknown grade {self.grade!r}")
        if self.client_overlap not in CLIENT_OVERLAPS:
            raise CatalogueError(f"{self.name}: unknown client overlap {self.client_overlap!r}")
        if self.mask_shape not in MASK_SHAPES:
            raise CatalogueError(f"{self.name}: unknown mask shape {self.mask_shape!r}")
        if self.keep is not None and min(self.keep) < 0:
            raise CatalogueError(f"{self.name}: keep must be two non-negative counts")

    @property
    def label_word(self) -> str:
        return self.label or self.name


# --- fingerprint normalisers ------------------------------------------------------------


def phone_digits(value: str) -> str:
    """The digits of a phone number without its extension and without +86/0086."""
    digits = "".join(c for c in value.split("转")[0] if c.isdigit())
    for cc in ("0086", "86"):
        if digits.startswith(cc) and len(digits) > 11:
            digits = digits[len(cc) :]
            is_mobile = len(digits) == 11 and digits[1] in "3456789"
            if not is_mobile:  # a landline written without its trunk 0 (+86 10 …)
                digits = "0" + digits.lstrip("0")
            break
    return digits


def lower(value: str) -> str:
    return value.lower()


def compact_code(value: str) -> str:
    return compact(value)


# --- discovery -------------------------------------------------------------------------


def discover(package: str = "recognizers") -> tuple[type[EntityRecognizer], ...]:
    """The recognizer classes of every (non-package) module of ``package``, by priority."""
    root = importlib.import_module(package)
    found: list[type[EntityRecognizer]] = []
    for info in pkgutil.iter_modules(root.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        found.extend(classes_in(module))
    return tuple(sorted(found, key=_order))


def classes_in(module) -> list[type[EntityRecognizer]]:
    """The concrete recognizer classes defined in ``module`` (not those it imports)."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, EntityRecognizer)
        and cls.__module__ == module.__name__
        and not cls.__dict__.get("ABSTRACT", False)
    ]


def _order(cls: type) -> tuple[int, str, str]:
    return (getattr(cls, "PRIORITY", DEFAULT_PRIORITY), cls.__module__, cls.__qualname__)


@cache
def recognizer_classes() -> tuple[type[EntityRecognizer], ...]:
    return discover()


def specs_of(cls: type) -> tuple[EntitySpec, ...]:
    """The entity types ``cls`` itself declares (not those of a class it derives from)."""
    if "SPECS" not in cls.__dict__:
        raise CatalogueError(
            f"{cls.__module__}.{cls.__qualname__} declares no SPECS: every recognizer "
            "declares its entity types (SPECS = (EntitySpec(...),)), or SPECS = () and "
            "REPORTS = (...) for types declared by another recognizer"
        )
    return tuple(cls.__dict__["SPECS"])


def reported_entities(cls: type) -> tuple[str, ...]:
    """The entity types ``cls`` reports: its own and those it names in ``REPORTS``."""
    own = tuple(s.name for s in specs_of(cls))
    return own + tuple(e for e in cls.__dict__.get("REPORTS", ()) if e not in own)


def collect(classes: Iterable[type]) -> tuple[EntitySpec, ...]:
    """Every spec the classes declare, in their order; ``CatalogueError`` when a type is
    declared twice or reported by a recognizer without being declared anywhere."""
    classes = tuple(classes)
    specs: dict[str, EntitySpec] = {}
    owner: dict[str, str] = {}
    for cls in classes:
        for spec in specs_of(cls):
            if spec.name in specs:
                raise CatalogueError(
                    f"{spec.name} is declared twice: by {owner[spec.name]} and {cls.__qualname__}"
                )
            specs[spec.name] = spec
            owner[spec.name] = cls.__qualname__
    for cls in classes:
        for entity in reported_entities(cls):
            if entity not in specs:
                raise CatalogueError(f"{cls.__qualname__} reports {entity}, declared nowhere")
    return tuple(specs.values())


@cache
def entity_specs() -> tuple[EntitySpec, ...]:
    """The catalogue: every entity type, in recognizer priority order."""
    return collect(recognizer_classes())


def spec_map() -> dict[str, EntitySpec]:
    return {s.name: s for s in entity_specs()}
