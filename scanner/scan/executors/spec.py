"""Everything needed to build the same scanner in another process or on another machine.

The coordinator builds a ``ScanSpec`` from the command line and ``baomi.toml``;
a local worker or a Dask worker turns it into a ``Scanner`` with ``build()``, so a
distributed scan uses exactly the recognizers, thresholds, client register,
limits and fingerprint key of a local one — which is what makes their
inventories identical. The spec carries the fingerprint key: send it only over
a trusted network or a TLS-secured scheduler (``tls://``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from recognizers.contacts_register import Contact
from scanner.compliance.clients import ClientRecord
from scanner.scan.doc_grade import DEFAULT as DEFAULT_GRADE_RULES
from scanner.scan.doc_grade import GradeRules
from scanner.scan.limits import Limits

if TYPE_CHECKING:
    from scanner.scan.pipeline import ScanOptions


@dataclass(frozen=True)
class ScanSpec:
    key: bytes
    clients: tuple[ClientRecord, ...] = ()
    contacts: tuple[Contact, ...] = ()  # the contacts register (recognizers/contacts_register)
    entities: tuple[str, ...] | None = None
    min_score: float = 0.5
    ner: bool = True
    allow: tuple[str, ...] = ()
    context_before: int = 16
    context_after: int = 6
    context_boost: float = 0.35
    limits: Limits = field(default_factory=Limits)
    include_values: bool = False
    exclude: tuple[str, ...] = ()
    follow_symlinks: bool = False
    grade_rules: GradeRules = DEFAULT_GRADE_RULES
    # [recognizers] of baomi.toml: (class name, RecognizerSettings) pairs
    recognizers: tuple[tuple[str, Any], ...] = ()

    @property
    def file_timeout_s(self) -> float:
        """Each file's time limit: ``[limits] file_timeout_s``."""
        return self.limits.file_timeout_s

    @property
    def options(self) -> ScanOptions:
        """What the ``Scanner`` itself needs of this spec."""
        from scanner.scan.pipeline import ScanOptions

        return ScanOptions(
            include_values=self.include_values,
            limits=self.limits,
            exclude=self.exclude,
            follow_symlinks=self.follow_symlinks,
            grade_rules=self.grade_rules,
        )

    def build(self):
        """The in-process ``Scanner`` this spec describes."""
        from recognizers.context import CharWindowContextEnhancer
        from recognizers.registry import build_recognizers
        from scanner.compliance.contacts import ContactsRegister
        from scanner.scan.analyze import Analyzer
        from scanner.scan.pipeline import Scanner

        enhancer = CharWindowContextEnhancer(
            context_similarity_factor=self.context_boost,
            context_prefix_count=self.context_before,
            context_suffix_count=self.context_after,
        )
        recognizers = build_recognizers(
            [c.to_client() for c in self.clients],
            self.entities,
            ner=self.ner,
            settings=dict(self.recognizers),
            contacts=self.contacts,
        )
        analyzer = Analyzer(recognizers, self.min_score, enhancer, allow=self.allow)
        register = ContactsRegister(self.contacts)
        return Scanner(analyzer, self.key, list(self.clients), self.options, register)
