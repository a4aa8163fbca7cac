"""Where the inventory is: a module of its own, so that a command that only needs the path
(the OCR cache beside it, ``--no-inventory`` checks) does not load SQLite and the store."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PATH = Path(".baomi") / "inventory.db"
ENV_VAR = "BAOMI_INVENTORY"


def resolve_path(cli: Path | None, configured: Path | None) -> Path:
    """The command line, then ``BAOMI_INVENTORY``, then the config, then ./.baomi/."""
    if cli is not None:
        return cli
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return configured or DEFAULT_PATH
