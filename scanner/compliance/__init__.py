"""Compliance: the client register (``clients``), NDA clause checks (``nda``), retention
and NDA coverage from the inventory (``status``) and acting on retention (``retention``)."""
