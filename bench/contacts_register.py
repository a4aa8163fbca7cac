"""Person recall with and without the contacts register (issue 20), on the demo share.

    python bench/contacts_register.py [--share examples/share] [--crm FILE] [--no-ner]

The CRM export is the share's own client contact book (``客户资料/客户通讯录.csv``: client,
contact, title, mobile, landline, e-mail, WeChat, QQ, remarks), read as a contacts register
as a firm would export it; that file itself is left out of the measure (its names are found
by their column anyway). For every other file, every occurrence of a registered person's
name in the text baomi extracts (``segments_of``: body, tables, headers, members,
attachments) is one value to find; it is found when the scan reports a PERSON finding
with that value (counted per file, at most as many as stand there). Printed per run:
occurrences, found, recall, and how many of the found are attributed to the register's
client for that person, with and without the register (NER on by default, as ``baomi
scan`` runs; ``--no-ner`` as ``baomi scan --no-ner``).

The share was generated here (``examples/generate.py``) and the register is its own contact
book: the figures say what the register adds on realistic documents, not how a firm's own
files will score.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recognizers.registry import build_recognizers  # noqa: E402
from scanner.compliance.clients import load_registry  # noqa: E402
from scanner.compliance.contacts import ContactsRegister, load_contacts  # noqa: E402
from scanner.masking import mask  # noqa: E402
from scanner.scan.analyze import Analyzer  # noqa: E402
from scanner.scan.content import segments_of  # noqa: E402
from scanner.scan.limits import Limits  # noqa: E402
from scanner.scan.ocr import OcrSettings  # noqa: E402
from scanner.scan.pipeline import Scanner, ScanOptions  # noqa: E402

CONTACT_BOOK = "客户资料/客户通讯录.csv"


def occurrences(path: Path, shown: str, names: set[str], limits: Limits) -> Counter:
    """name → how many times it stands in the file's extracted text."""
    found: Counter = Counter()
    try:
        segments = list(segments_of(path.read_bytes(), shown, limits))
    except Exception:  # a file baomi cannot read (the share has a few on purpose)
        return found
    for segment in segments:
        for name in names:
            count = segment.text.count(name)
            if count:
                found[name] += count
    return found


def run(share: Path, register: ContactsRegister | None, ner: bool, clients) -> dict:
    contacts = register.contacts if register else ()
    recognizers = build_recognizers([c.to_client() for c in clients], ner=ner, contacts=contacts)
    limits = Limits(ocr=OcrSettings(enabled=False))
    options = ScanOptions(include_values=True, limits=limits)
    scanner = Scanner(Analyzer(recognizers), bytes(32), clients, options, register)
    assert register_all is not None
    names = {c.name for c in register_all.contacts}
    owner_of = {c.name: c.client for c in register_all.contacts}
    totals = Counter()
    for path in sorted(p for p in share.rglob("*") if p.is_file()):
        shown = str(path.relative_to(share))
        if shown == CONTACT_BOOK:
            continue
        want = occurrences(path, shown, names, limits)
        if not want:
            continue
        got: Counter = Counter()
        right_owner = 0
        for result in scanner.scan_file(path):
            for f in result.findings:
                if f.entity_type == "PERSON" and f.value in names:
                    key = f.value
                    if got[key] < want[key]:
                        got[key] += 1
                        index = owner_of[f.value]
                        client = None if index is None else clients[index].name
                        if client and f.owner and f.owner.client == mask("CLIENT", client):
                            right_owner += 1
        totals["occurrences"] += sum(want.values())
        totals["found"] += sum(got.values())
        totals["owner right"] += right_owner
        totals["files"] += 1
    return dict(totals)


register_all: ContactsRegister | None = None


def main() -> None:
    global register_all
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=Path, default=ROOT / "examples" / "share")
    parser.add_argument("--clients", type=Path, default=ROOT / "examples" / "clients.csv")
    parser.add_argument("--crm", type=Path, help="the CRM export (default: the contact book)")
    parser.add_argument("--no-ner", action="store_true")
    args = parser.parse_args()
    clients = load_registry(args.clients)
    register_all = load_contacts(args.crm or args.share / CONTACT_BOOK, clients)
    print(f"register: {len(register_all.contacts)} contacts of {len(clients)} clients")
    print(f"{'run':<24} {'files':>5} {'names':>6} {'found':>6} {'recall':>7} {'owner ok':>9}")
    for label, register in (("without the register", None), ("with the register", register_all)):
        t = run(args.share, register, not args.no_ner, clients)
        recall = t.get("found", 0) / max(t.get("occurrences", 0), 1)
        owner = t.get("owner right", 0) / max(t.get("found", 0), 1)
        print(
            f"{label:<24} {t.get('files', 0):>5} {t.get('occurrences', 0):>6} "
            f"{t.get('found', 0):>6} {recall:>7.3f} {owner:>9.3f}"
        )


if __name__ == "__main__":
    main()
