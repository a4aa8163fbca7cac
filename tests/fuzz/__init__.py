"""Property-based and mutation fuzz tests (hypothesis): robustness of recognizers,
normalisers, extractors and redaction writers against arbitrary input."""
