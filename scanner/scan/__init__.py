"""Scanning: walk → open → extract → analyse, one file at a time.

``walk`` enumerates the files; ``fsio`` opens them safely, ``content`` sniffs and opens
their content (``decode`` for undeclared text, ``extract/`` for every format) within the
safety ``limits``; ``analyze`` (with ``prefilter``) turns segments into detections,
``classify`` and ``doc_grade`` say what a file is and how secret; ``pipeline`` runs the
steps for one file, ``isolation`` and ``executors/`` run them in workers; ``paths``,
``reasons`` and ``coverage`` say what may be shown and what could not be scanned.
"""
