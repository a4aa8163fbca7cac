"""Write the atheris seed corpus into ``fuzz/seeds/`` (run from anywhere).

One seed per document of ``tests/fuzz/documents.py`` plus a few hostile containers,
each prefixed with the byte that makes ``fuzz/_common.py`` choose its extension. Seeds
stay under 50 KB each (a larger one is skipped with a message); rerunning the script
rewrites them.

    python fuzz/make_seeds.py [output directory]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _common import EXTENSIONS  # noqa: E402

from tests.fuzz import documents  # noqa: E402

MAX_SEED_BYTES = 50 * 1024


def seeds() -> dict[str, tuple[str, bytes]]:
    """seed file name → (extension, content)."""
    built = documents.build_all()
    out: dict[str, tuple[str, bytes]] = {}
    for name, data in built.items():
        ext = name.rsplit(".", 1)[1]
        out[ext] = ("." + ext, data)
    # the mail with a small attachment, to stay under the size cap
    out["eml"] = (".eml", documents.build_eml(attachment=built["名单.xlsx"]))
    out["docx_as_pdf"] = (".pdf", built["名单.docx"])
    out["zip_as_txt"] = (".txt", built["资料.zip"])
    out["nested_zip"] = (".zip", documents.nested_zip(6))
    text = built["纪要.txt"]
    out["duplicate_members"] = (".zip", documents.zip_of([("a.txt", text), ("a.txt", text)]))
    out["truncated_zip"] = (".zip", built["资料.zip"][: len(built["资料.zip"]) // 2])
    out["utf16_text"] = (".txt", "\ufeff联系人手机13812345678\r\n".encode("utf-16-le"))
    return out


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for label, (ext, data) in seeds().items():
        seed = bytes([EXTENSIONS.index(ext)]) + data
        if len(seed) > MAX_SEED_BYTES:
            print(f"skipped {label}: {len(seed)} bytes > {MAX_SEED_BYTES}", file=sys.stderr)
            continue
        (target / f"seed_{label}").write_bytes(seed)
        print(f"{label}: {len(seed)} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "seeds")
