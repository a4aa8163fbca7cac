"""Chinese recognizers for Microsoft Presidio, validated by the national check-digit standards."""

from recognizers import presidio_core

# Presidio's recognizer core without its NLP engines (spaCy): see presidio_core.
presidio_core.load()
