"""A report's text as the portal reads it: one paragraph a line, numbered from 1, within fixed limits.

Pure: text in, text or numbers out, no model. Both apps read a text this way: the
extractor numbers its proposals' paragraphs with ``paragraphs`` (``metrics.text.extraction``
re-exports it), and a report's attached text (``reports.models.SourceText``) numbers its
paragraphs, and so every ``source_paragraph``, the same way.
"""

import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The longest text the portal keeps or reads, in characters of the text as ``normalized`` leaves it. A work
#: report is a few thousand characters (2021: 2,661). The import reads within these limits too.
MAX_TEXT_CHARS = 200_000
#: The longest line: a report's paragraph is at most a few thousand characters (2021: 409); a longer line
#: means the text's line breaks were lost.
MAX_PARAGRAPH_CHARS = 10_000
#: A file longer than this is refused unread: UTF-8 spends at most 4 bytes a character, plus a 3-byte BOM.
MAX_TEXT_BYTES = MAX_TEXT_CHARS * 4 + 3
#: C0 control characters but tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Carriage returns, vertical tab (a line break from a word processor) and form feed (a page break) end a line.
LINE_ENDS = re.compile(r"\r\n?|[\x0b\x0c]")


def normalized(text: str) -> str:
    """``text`` as it is kept: no BOM, every line break a line feed, other control characters dropped."""
    return CONTROL_CHARACTERS.sub("", LINE_ENDS.sub("\n", text.removeprefix("\ufeff")))


def paragraphs(text: str) -> Iterator[str]:
    """The lines of ``text`` as they are numbered: split at line feeds only, a carriage return dropped.

    A final line feed ends the last line rather than opening an empty one. One at a time,
    so a text of many short lines is never held twice.
    """
    text = text.removeprefix("\ufeff").removesuffix("\n")
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start:end].rstrip("\r")
        start = end + 1
    yield text[start:].rstrip("\r")


def check_text(text: str) -> None:
    """``ValidationError`` for an empty text, one over ``MAX_TEXT_CHARS`` characters or a line over
    ``MAX_PARAGRAPH_CHARS``, each message naming the numbers."""
    if not text.strip():
        raise ValidationError(_("原文是空的。"), code="empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(
            _("原文有 %(count)s 字，超過上限 %(limit)s 字。"),
            code="too_long",
            params={"count": f"{len(text):,}", "limit": f"{MAX_TEXT_CHARS:,}"},
        )
    for number, line in enumerate(paragraphs(text), start=1):
        if len(line) > MAX_PARAGRAPH_CHARS:
            raise ValidationError(
                _("第 %(n)s 段有 %(count)s 字，超過每段上限 %(limit)s 字。原文須一段一行：請確認換行沒有遺失。"),
                code="paragraph_too_long",
                params={"n": number, "count": f"{len(line):,}", "limit": f"{MAX_PARAGRAPH_CHARS:,}"},
            )


def decode(data: bytes) -> str:
    """``data`` (UTF-8, a BOM allowed) as ``normalized`` text; ``ValidationError`` when it is not UTF-8."""
    try:
        return normalized(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError(_("檔案不是 UTF-8 編碼的文字檔。"), code="encoding") from None
