"""baomi serve: pre-sharing redaction and analysis over HTTP (issue 22)."""
