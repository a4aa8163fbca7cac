# ruff: noqa: E501  (flat OpenDocument XML is kept one element a line)
"""Write the legacy binary Office fixtures of ``tests/data/legacy/`` (run once; the files
are committed, so the test suite never needs LibreOffice).

    apt-get install -y libreoffice-writer-nogui libreoffice-impress-nogui python3-uno
    .venv/bin/python scripts/make_legacy_fixtures.py [OUT_DIR]

Each document is written as flat OpenDocument XML (``.fodt``/``.fodp``, below) with the
values the tests look for planted in every place the extractors read, then converted by
LibreOffice's own MS Office 97 export filters (``soffice --headless --convert-to``; the
password-protected one through UNO, since ``--convert-to`` takes no password):

* ``contract.doc`` — Word 97-2003: body paragraphs, a table, header and footer, a footnote,
  an endnote, a comment, a text box, a hyperlink field, document properties;
* ``launch.ppt`` — PowerPoint 97-2003: titled slides, a text box, a table, speaker notes,
  properties;
* ``contract.wps`` / ``launch.dps`` — the same bytes under WPS Office's names (WPS writes
  its ``.wps``/``.dps`` in the Word/PowerPoint binary layout; no WPS Office runs here, so
  these are renamed LibreOffice files, not files WPS wrote);
* ``locked.doc`` — ``contract.fodt`` saved as Word 97 with the password ``baomi``
  (RC4 CryptoAPI encryption, the FIB's fEncrypted bit set).

The planted values (valid check digits) are listed in ``tests/scanner/test_legacy_office.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "legacy"

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"'
)

META = """<office:meta>
  <dc:title>星河传媒年度服务合同</dc:title>
  <dc:subject>客户 星河传媒 联系人 王芳</dc:subject>
  <meta:initial-creator>王芳</meta:initial-creator>
  <dc:creator>李娜</dc:creator>
  <meta:keyword>合同 13912340001</meta:keyword>
  <dc:description>备注 联系人邮箱 wangfang@xinghe-media.cn</dc:description>
  <meta:user-defined meta:name="Company">星河传媒有限公司</meta:user-defined>
  <meta:user-defined meta:name="Manager">刘建国</meta:user-defined>
</office:meta>"""

FODT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
{META}
<office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
    <style:header><text:p>机密 项目经理 赵磊 13600001234</text:p></style:header>
    <style:footer><text:p>联络邮箱 press@xinghe-media.cn</text:p></style:footer>
  </style:master-page>
</office:master-styles>
<office:body><office:text>
  <text:p>星河传媒 年度服务合同</text:p>
  <text:p>甲方联系人：王芳，手机 13812345678。<office:annotation><dc:creator>张经理</dc:creator><text:p>请核对客户微信 wangfang_2024 与电话 15800003333</text:p></office:annotation></text:p>
  <text:p>统一社会信用代码：91110108MA01K7Q36G</text:p>
  <text:p>签约代表身份见脚注<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>身份证号 110105198803081238</text:p></text:note-body></text:note>，备用联系见尾注<text:note text:id="edn1" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>备用电话 13500002222</text:p></text:note-body></text:note>。</text:p>
  <text:p>邮件请发 <text:a xlink:type="simple" xlink:href="mailto:legal@xinghe-media.cn">法务部</text:a>。</text:p>
  <table:table table:name="联系人">
    <table:table-column table:number-columns-repeated="3"/>
    <table:table-row>
      <table:table-cell><text:p>姓名</text:p></table:table-cell>
      <table:table-cell><text:p>手机</text:p></table:table-cell>
      <table:table-cell><text:p>邮箱</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
      <table:table-cell><text:p>李娜</text:p></table:table-cell>
      <table:table-cell><text:p>13912345670</text:p></table:table-cell>
      <table:table-cell><text:p>lina@example.com</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
      <table:table-cell><text:p>陈静</text:p></table:table-cell>
      <table:table-cell/>
      <table:table-cell><text:p>chenjing@example.cn</text:p></table:table-cell>
    </table:table-row>
  </table:table>
  <text:p><draw:frame draw:name="文本框1" text:anchor-type="paragraph" svg:width="8cm" svg:height="2cm" svg:x="1cm" svg:y="0cm"><draw:text-box><text:p>现场联系人 孙悦 18600004444</text:p></draw:text-box></draw:frame>乙方：914403007A2F5B1C7K</text:p>
</office:text></office:body>
</office:document>
"""


def _slide(name: str, frames: str, notes: str = "") -> str:
    notes_xml = (
        '<presentation:notes><draw:frame presentation:class="notes" svg:width="16cm" '
        'svg:height="10cm" svg:x="2cm" svg:y="14cm"><draw:text-box>'
        f"<text:p>{notes}</text:p></draw:text-box></draw:frame></presentation:notes>"
        if notes
        else ""
    )
    return (
        f'<draw:page draw:name="{name}" draw:master-page-name="Default">{frames}{notes_xml}'
        "</draw:page>"
    )


def _box(text: str, y: float, cls: str = "") -> str:
    kind = f' presentation:class="{cls}"' if cls else ""
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in text.split("\n"))
    return (
        f'<draw:frame{kind} svg:width="20cm" svg:height="3cm" svg:x="2cm" svg:y="{y}cm">'
        f"<draw:text-box>{paragraphs}</draw:text-box></draw:frame>"
    )


def _table(rows: list[list[str]]) -> str:
    body = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row)
        + "</table:table-row>"
        for row in rows
    )
    return (
        '<draw:frame svg:width="18cm" svg:height="4cm" svg:x="2cm" svg:y="6cm">'
        '<table:table><table:table-column table:number-columns-repeated="3"/>'
        f"{body}</table:table></draw:frame>"
    )


SLIDES = [
    _slide(
        "发布会",
        _box("星河传媒 新品发布会", 1, "title")
        + _box("联系人：王芳\n手机 13812345678", 5, "outline"),
        "备注：客户身份证 110105198803081238",
    ),
    _slide(
        "名单",
        _box("媒体名单", 1, "title")
        + _table(
            [
                ["姓名", "手机", "邮箱"],
                ["李娜", "13912345670", "lina@example.com"],
                ["陈静", "13700001111", "chenjing@example.cn"],
            ]
        ),
    ),
    _slide(
        "联系",
        _box("邮箱 press@xinghe-media.cn\n统一社会信用代码 91110108MA01K7Q36G", 8),
        "致电 赵磊 13600001234",
    ),
]
PPT_META = META.replace("年度服务合同", "新品发布会")
FODP = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
{PPT_META}
<office:automatic-styles>
  <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="21cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
  <style:master-page style:name="Default" style:page-layout-name="PM1"/>
</office:master-styles>
<office:body><office:presentation>
{"".join(SLIDES)}
</office:presentation></office:body>
</office:document>
"""


def _prop(name: str, value: object) -> object:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


# The encrypted fixture: Writer under UNO aborts on a document with comments (it builds
# their side-bar window even when hidden), so this one has body text only.
LOCKED = FODT[: FODT.index("<office:body>")] + (
    "<office:body><office:text><text:p>加密合同 联系人 王芳 13812345678</text:p>"
    "</office:text></office:body></office:document>"
)


def _profile(path: Path) -> str:
    """A private LibreOffice profile: nothing from the user's own settings."""
    (path / "user").mkdir(parents=True, exist_ok=True)
    return f"-env:UserInstallation={path.as_uri()}"


def convert(profile: str, source: Path, filter_name: str, out_dir: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            filter_name,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / f"{source.stem}.{filter_name.split(':', 1)[0]}"


def _office(profile: str) -> tuple[subprocess.Popen[bytes], object]:
    """A headless LibreOffice and its UNO desktop."""
    import uno  # type: ignore[import-not-found]

    pipe = f"baomi_fixtures_{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            profile,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(120):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException until the office listens
            time.sleep(0.5)
    else:
        office.kill()
        raise SystemExit("LibreOffice did not start")
    return office, context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )


def save_with_password(profile: str, source: Path, target: Path, password: str) -> None:
    """``soffice --convert-to`` takes no password: store through UNO."""
    office, desktop = _office(profile)
    try:
        document = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
            source.as_uri(), "_blank", 0, (_prop("Hidden", True),)
        )
        options = (
            _prop("FilterName", "MS Word 97"),
            _prop("Overwrite", True),
            _prop("Password", password),
        )
        document.storeToURL(target.as_uri(), options)
        document.close(True)
    finally:
        with contextlib.suppress(Exception):  # the bridge closes as the office exits
            desktop.terminate()  # type: ignore[attr-defined]
        office.wait(timeout=60)


def without_thumbnail(data: bytes) -> bytes:
    """The compound file re-packed without the thumbnail property of SummaryInformation
    (LibreOffice's PowerPoint export writes a 440 KB bitmap there whatever its settings);
    every other stream byte for byte as written, with the test suite's compound-file
    writer (``tests/extract/test_msg.py``)."""
    import olefile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.extract.test_msg import compound_file

    with olefile.OleFileIO(data) as ole:
        streams = {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}
        clsid = bytes.fromhex(ole.root.clsid.replace("-", "")) if ole.root.clsid else bytes(16)
    name = "\x05SummaryInformation"
    streams[name] = _drop_property(streams[name], 0x11)  # PIDSI_THUMBNAIL
    return compound_file(streams, clsid=_clsid_bytes(clsid))


def _clsid_bytes(text_order: bytes) -> bytes:
    """olefile shows a CLSID as text (first three groups byte-swapped): back to bytes."""
    a, b, c, rest = text_order[:4], text_order[4:6], text_order[6:8], text_order[8:]
    return a[::-1] + b[::-1] + c[::-1] + rest


def _drop_property(stream: bytes, drop: int) -> bytes:
    """A one-section property set stream without property ``drop`` ([MS-OLEPS])."""
    (offset,) = struct.unpack_from("<I", stream, 44)
    size, count = struct.unpack_from("<II", stream, offset)
    section = stream[offset : offset + size]
    entries = [struct.unpack_from("<II", section, 8 + 8 * i) for i in range(count)]
    ends = sorted({o for _, o in entries} | {size})
    kept = [(pid, o) for pid, o in entries if pid != drop]
    body, table = b"", []
    start = 8 + 8 * len(kept)
    for pid, o in kept:
        value = section[o : ends[ends.index(o) + 1]]
        table.append(struct.pack("<II", pid, start + len(body)))
        body += value
    new = struct.pack("<II", start + len(body), len(kept)) + b"".join(table) + body
    return stream[:offset] + new


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        profile = _profile(work / "profile")
        (work / "contract.fodt").write_text(FODT, encoding="utf-8")
        (work / "launch.fodp").write_text(FODP, encoding="utf-8")
        (work / "locked.fodt").write_text(LOCKED, encoding="utf-8")
        shutil.copy(convert(profile, work / "contract.fodt", "doc:MS Word 97", work), out)
        ppt = convert(profile, work / "launch.fodp", "ppt:MS PowerPoint 97", work)
        (out / "launch.ppt").write_bytes(without_thumbnail(ppt.read_bytes()))
        # UNO needs Debian's Python (python3-uno); this one is the project's, with olefile
        subprocess.run(
            [
                DEBIAN_PYTHON,
                __file__,
                "--locked",
                profile,
                str(work / "locked.fodt"),
                str(out / "locked.doc"),
            ],
            check=True,
            timeout=300,
        )
    shutil.copy(out / "contract.doc", out / "contract.wps")
    shutil.copy(out / "launch.ppt", out / "launch.dps")
    for path in sorted(out.iterdir()):
        print(f"{path.name}\t{path.stat().st_size} bytes")


DEBIAN_PYTHON = "/usr/bin/python3"

if __name__ == "__main__":
    if sys.argv[1:2] == ["--locked"]:
        save_with_password(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), "baomi")
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
