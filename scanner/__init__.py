"""baomi's scanning pipeline: walk → sniff → extract → analyse → report."""

__version__ = "0.1.0"
