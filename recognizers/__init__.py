"""Chinese recognizers for Microsoft Presidio, validated by the national check-digit standards."""
