"""RTF: Chinese text in GBK escapes and \\u escapes, hidden places, what striprtf got wrong."""

from __future__ import annotations

import time

import pytest

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, Source, rtf

M = SegmentKind.METADATA


def extract(data: bytes) -> list[Segment]:
    return list(rtf.extract(Source("稿件.rtf", data, "text/rtf")))


def gbk(text: str) -> bytes:
    """Text as Word writes it in an \\ansicpg936 document: each GBK byte as \\'xx."""
    return "".join(f"\\'{b:02x}" for b in text.encode("gbk")).encode()


# What Chinese Word writes, in short: a GBK code page, a Western and a Chinese
# font, \info properties, a header, a table, a footnote, a comment, a picture.
WORD_DOCUMENT = b"".join(
    [
        rb"{\rtf1\ansi\ansicpg936\uc2\deff0{\fonttbl",
        rb"{\f0\froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}",
        rb"{\f13\fnil\fcharset134\fprq2{\*\panose 02010600030101010101}",
        gbk("宋体"),
        rb"{\*\falt SimSun};}}",
        rb"{\colortbl;\red0\green0\blue0;}{\stylesheet{\ql \f0 Normal;}}",
        rb"{\info{\title " + gbk("发布会名单") + rb"}{\author " + gbk("张伟") + rb"}",
        rb"{\operator " + gbk("李四") + rb"}{\company " + gbk("星辰公关") + rb"}",
        rb"{\creatim\yr2024\mo3\dy15}}",
        rb"{\header \pard\plain \f13 " + gbk("机密") + rb"\par}",
        rb"\pard\plain \f13 " + gbk("联系人："),
        rb"\u29579\'cd\'f5\u33459\'b7\'bc 13812345678\par",
        rb"\trowd\cellx2000\cellx4000 \intbl " + gbk("姓名") + rb"\cell " + gbk("手机"),
        rb"\cell\row",
        rb"\trowd\cellx2000\cellx4000 \intbl \loch\f0\hich\af13\dbch\af13 " + gbk("李娜"),
        rb"\cell 13912345678\cell\row",
        rb"\pard " + gbk("邮箱") + rb" wf@example.com{\super\chftn}",
        rb"{\footnote \pard\plain {\super\chftn} " + gbk("脚注：微信 wangfang88") + rb"}\par",
        rb"{\*\atnid ZJ}{\*\atnauthor " + gbk("张经理") + rb"}\chatn",
        rb"{\*\annotation \pard " + gbk("老客户") + rb"}",
        rb"{\*\shppict{\pict\pngblip\picw10\pich10 89504e470d0a1a0a7b7d}}",
        rb'{\field{\*\fldinst HYPERLINK "mailto:x@example.com"}{\fldrslt ' + gbk("写信") + rb"}}",
        rb"\par}",
    ]
)


def test_chinese_word_document_text_hidden_places_and_properties() -> None:
    got = extract(WORD_DOCUMENT)
    assert [(s.text, s.location, s.kind, s.first_line, s.context) for s in got] == [
        (
            "\n机密\n\n"  # the header, on lines of its own
            "联系人：王芳 13812345678\n"  # \u escapes, their GBK fallback skipped (\uc2)
            "姓名\t手机\t\n"
            "李娜\t13912345678\t\n"  # GBK under a Western font (\loch\f0 … \dbch\af13)
            "邮箱 wf@example.com\n 脚注：微信 wangfang88\n\n"  # the footnote, as Word shows it
            "\n老客户\n"  # the comment
            "写信\n",  # a field's result, not its instruction; no picture bytes
            "",
            SegmentKind.PROSE,
            1,
            (),
        ),
        ("发布会名单", "属性 title", M, None, ("title",)),
        ("张伟", "属性 author", M, None, ("author",)),
        ("李四", "属性 last_modified_by", M, None, ("last_modified_by",)),
        ("星辰公关", "属性 company", M, None, ("company",)),
    ]


@pytest.mark.parametrize(
    ("document", "text"),
    [
        # WordPad: the font's charset is 134 (GB2312)
        (
            rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}"
            rb"\viewkind4\uc1\pard\f0 \'d5\'c5\'ce\'b0 13812345678\par}",
            "张伟 13812345678\n",
        ),
        # a font without \fcharset must not take the next font's charset (striprtf: ÕÅÎ°)
        (
            rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil SimSun;}{\f1\fswiss\fcharset0 Arial;}}"
            rb"\f0 \'d5\'c5\'ce\'b0\par}",
            "张伟\n",
        ),
        # GBK bytes under a Western font in a GBK document (striprtf: ÕÅÎ°); a lone
        # accented byte that is not GBK stays Western
        (
            rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fswiss\fcharset0 Arial;}}"
            rb"\f0 \'d5\'c5\'ce\'b0 caf\'e9\par}",
            "张伟 café\n",
        ),
        # raw, unescaped GBK bytes from a non-conforming writer (striprtf: ÕÅÎ°)
        (b"{\\rtf1\\ansi\\ansicpg936 " + "张伟".encode("gbk") + b"\\par}", "张伟\n"),
        # a character beyond the BMP as a surrogate pair (striprtf: two lone surrogates)
        (rb"{\rtf1\ansi\ansicpg936 \u-10179?\u-8576?\u-10179?\par}", "🚀\ufffd\n"),
        # undecodable bytes (striprtf: UnicodeDecodeError for the whole file)
        (rb"{\rtf1\ansi\ansicpg936 \'ff\'ffok\par}", "\ufffd\ufffdok\n"),
        # \uN with a one-character fallback, and \uc0 (no fallback)
        (rb"{\rtf1\ansi \u24352?\u20255?{\uc0\u26446\u23068}\par}", "张伟李娜\n"),
        # Big5 font in a document without a code page
        (
            rb"{\rtf1\ansi{\fonttbl{\f1\fnil\fcharset136 MingLiU;}}\f1 \'b1\'69\'b0\'b6\par}",
            "張偉\n",
        ),
        # escaped braces and backslashes, an optional hyphen inside a number
        (rb"{\rtf1\ansi \{a\}\\b 138\-1234\-5678\par}", "{a}\\b 13812345678\n"),
        # \binN data may hold braces; it is skipped by its length
        (rb"{\rtf1\ansi {\*\objdata \bin4 }}{{}ok\par}", "ok\n"),
        # a text box: its text, not its shape properties nor its fallback drawing
        (
            rb"{\rtf1\ansi\ansicpg936 x{\shp{\*\shpinst\shpleft0{\sp{\sn shapeType}{\sv 202}}"
            rb"{\shptxt \pard \'d5\'c5\'ce\'b0 13812345678\par}}{\shprslt{\*\do\dobxcolumn}}}y\par}",
            "x\n张伟 13812345678\n\ny\n",
        ),
        # text after the closing brace of the document is not part of it
        (rb"{\rtf1\ansi ok\par}trailing garbage", "ok\n"),
    ],
)
def test_what_striprtf_misread_is_read_right(document: bytes, text: str) -> None:
    assert rtf.rtf_text(document) == (text, [])


@pytest.mark.slow
def test_pictures_are_jumped_over_not_tokenised() -> None:
    picture = rb"{\*\shppict{\pict\pngblip " + b"0123456789abcdef" * (1 << 20) + b"}}"
    document = rb"{\rtf1\ansi\ansicpg936 " + picture + gbk("张伟") + rb"\par}"
    started = time.monotonic()
    assert rtf.rtf_text(document) == ("张伟\n", [])
    assert time.monotonic() - started < 2  # 16 MB of picture hex


@pytest.mark.slow
def test_long_text_is_chunked_on_line_boundaries_with_line_numbers() -> None:
    line = gbk("联系人 王芳 13812345678") + rb"\par "
    document = rb"{\rtf1\ansi\ansicpg936 " + line * 100_000 + b"}"
    text = "联系人 王芳 13812345678\n" * 100_000
    segments = extract(document)
    assert len(segments) > 1
    offset = 0  # where the next chunk's own part starts in the text
    for segment in segments:
        start = offset - segment.keep_from  # chunks overlap: each starts with a lead
        assert segment.first_line == 1 + text[:start].count("\n")
        offset += len(segment.text[segment.keep_from : segment.keep_to])
    assert "".join(s.text[s.keep_from : s.keep_to] for s in segments) == text


def test_a_file_that_is_not_rtf_is_reported_as_corrupt() -> None:
    with pytest.raises(CorruptError) as failure:
        extract(b"just text, named .rtf")
    assert str(failure.value) == "corrupt: not an RTF document"
    assert extract(b"\xef\xbb\xbf\r\n{\\rtf1 ok}")[0].text == "ok"  # a BOM and blank lines first
