"""baomi builds on Presidio's recognizer core without loading its NLP engines (spaCy),
and Presidio's full package still works, with the very same classes, when asked for."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_a_scan_loads_neither_spacy_nor_the_predefined_recognizers() -> None:
    out = _run(
        """
        import sys
        from recognizers import presidio_core
        from recognizers.registry import build_recognizers
        from scanner.scan.analyze import Analyzer
        found = Analyzer(build_recognizers([], ner=False)).analyze("手机 13812345678")
        print([d.entity_type for d in found][0], presidio_core.is_complete())
        print(any(m == "spacy" or m.startswith("spacy.") for m in sys.modules))
        print("presidio_analyzer.predefined_recognizers" in sys.modules)
        """
    )
    assert out == ["PHONE_NUMBER", "False", "False", "False"]


@pytest.mark.parametrize(
    "first",
    [
        "from presidio_analyzer import AnalyzerEngine",
        "from presidio_analyzer.nlp_engine import NoOpNlpEngine",
        "import presidio_analyzer.recognizer_registry",
        "from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer",
    ],
)
def test_the_full_package_completes_on_demand_with_the_same_classes(first: str) -> None:
    out = _run(
        f"""
        import recognizers
        from recognizers import presidio_core
        from recognizers.cn_phone import CnPhoneRecognizer
        before = presidio_core.is_complete()
        {first}
        import presidio_analyzer as pa
        from presidio_analyzer.recognizer_result import RecognizerResult
        from presidio_analyzer.pattern_recognizer import PatternRecognizer
        print(before, presidio_core.is_complete())
        print(pa.RecognizerResult is RecognizerResult, pa.PatternRecognizer is PatternRecognizer)
        print(issubclass(CnPhoneRecognizer, pa.EntityRecognizer))
        """
    )
    assert out == ["False", "True", "True", "True", "True"]


def test_presidios_engine_finds_what_baomis_analyser_finds() -> None:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    analyzer = Analyzer(build_recognizers([], ner=False))
    text = "联系人手机 13812345678，邮箱 zhang@example.com，统一社会信用代码 91350100M000100Y43"
    fast = [(d.entity_type, d.start, d.end) for d in analyzer.analyze(text)]
    engine = [(d.entity_type, d.start, d.end) for d in analyzer.analyze_with_engine(text)]
    assert fast == engine
    assert {"PHONE_NUMBER", "EMAIL_ADDRESS", "CN_USCC"} <= {t for t, _, _ in fast}
