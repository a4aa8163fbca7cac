"""Storing: the compliance inventory (``inventory``, which holds all SQL), a scan that
keeps it (``recording``) and the false alarms said once (``suppress``)."""
