"""``python -m scanner.cli``: the ``baomi`` command."""

import sys

from scanner.cli import main

sys.exit(main())
