"""``baomi``: the command line. ``main(argv) -> int`` so tests call it directly.

Exit codes: 0 nothing found, 1 findings, 2 usage or configuration error (one line
on stderr saying why), 3 (``scan``) a file could not be scanned (``scanner/scan/coverage.py``).
Heavy modules (Presidio, libmagic) are imported inside the commands that need them,
so ``baomi --help`` answers at once.

* ``parser.py`` — the argument parser (``build_parser``);
* ``commands.py`` — one function per command: arguments in, the application layer
  (``scanner/app.py``, ``scanner/app_inventory.py``) called, results printed;
* ``output.py`` — what is printed: error lines, log lines, tallies, outcomes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from scanner.app import UsageError
from scanner.cli.commands import EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNSCANNED, EXIT_USAGE
from scanner.cli.output import error_line, printable
from scanner.cli.parser import build_parser, parse

__all__ = [
    "EXIT_CLEAN",
    "EXIT_FINDINGS",
    "EXIT_UNSCANNED",
    "EXIT_USAGE",
    "build_parser",
    "error_line",
    "main",
    "printable",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parse(parser, argv)
    except SystemExit as exc:  # argparse has printed its message
        return EXIT_USAGE if exc.code else EXIT_CLEAN
    try:
        code: int = args.handler(args)
        return code
    except UsageError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("baomi: 已中断 interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return EXIT_FINDINGS
    except Exception as exc:
        if isinstance(exc, _user_errors()):  # one not turned into a UsageError on its way
            print(error_line(str(exc)), file=sys.stderr)
            return EXIT_USAGE
        print(
            f"baomi: 内部错误 internal error: {type(exc).__name__}; 请报告 please report it",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _user_errors() -> tuple[type[Exception], ...]:
    """The configuration, inventory and key errors of the modules loaded so far: an
    error of a module never imported cannot have been raised, and importing the
    inventory here would load Presidio (seconds) for every command."""
    named = (
        ("scanner.config", "ConfigError"),
        ("scanner.store.inventory", "InventoryError"),
        ("scanner.keys", "HashKeyError"),
    )
    return tuple(
        getattr(sys.modules[module], name) for module, name in named if module in sys.modules
    )
