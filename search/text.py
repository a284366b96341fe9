"""How text is compared: one normal form for what is stored and what is asked, and the marks of a match.

Pure (OpenCC through ``common.languages``, no model, no query). Both sides of a search go through
``normalise``: compatibility forms folded (full-width digits and letters, ``，``), Simplified characters
(a Simplified query finds Traditional text and the other way round), case folded (English), a comma
between digit groups dropped (``18,161`` is ``18161``), and runs of white space made one space.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.languages import to_simplified

#: The most characters a query may have, as the explorer's search (``metrics.explorer.filters``).
QUERY_MAX_LENGTH = 100

#: Queries this short cannot use a trigram index: they are answered by a scan of the normalised text.
SHORT_QUERY_LENGTH = 2

#: A comma between digit groups (after NFKC, so the full-width ``，`` is one too): 18,161 → 18161.
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACES = re.compile(r"\s+")

#: How much of a long text a result shows around its first match, before and after.
SNIPPET_BEFORE, SNIPPET_AFTER = 40, 110


def normalise(text: str) -> str:
    """``text`` in the one form that is stored and searched (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = to_simplified(text).casefold()
    text = _GROUP_COMMA.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _fold_char(char: str) -> str:
    """One character in ``normalise``'s form, character by character (so a match maps back to the text)."""
    return to_simplified(unicodedata.normalize("NFKC", char)).casefold()


def match_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every non-overlapping occurrence of ``needle`` (already normalised),
    compared as ``normalise`` compares, character by character; white space counts as one space."""
    if not needle:
        return []
    folded, owner = [], []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            previous_space = True
            folded.append(" ")
            owner.append(index)
            continue
        previous_space = False
        if char in ",，" and _is_group_comma(text, index):
            continue
        for piece in _fold_char(char):
            folded.append(piece)
            owner.append(index)
    haystack = "".join(folded)
    spans, start = [], haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        spans.append((owner[start], owner[end - 1] + 1))
        start = haystack.find(needle, end)
    return spans


def _is_group_comma(text: str, index: int) -> bool:
    before = text[index - 1 : index]
    after = text[index + 1 : index + 5]
    digits = re.match(r"\d{3}(?!\d)", unicodedata.normalize("NFKC", after))
    return bool(before) and unicodedata.normalize("NFKC", before).isdigit() and digits is not None


def highlight(text: str, needle: str, *, snippet: bool = False) -> SafeString:
    """``text`` HTML-escaped with each match of ``needle`` (normalised) in ``<mark>``.

    With ``snippet``, a long text is cut to the neighbourhood of its first match, with an ellipsis
    where it was cut.
    """
    text = text or ""
    spans = match_spans(text, needle)
    begin, end = 0, len(text)
    if snippet and len(text) > SNIPPET_BEFORE + SNIPPET_AFTER:
        first = spans[0][0] if spans else 0
        begin = max(0, first - SNIPPET_BEFORE)
        end = min(len(text), begin + SNIPPET_BEFORE + SNIPPET_AFTER)
    parts, cursor = [], begin
    if begin > 0:
        parts.append("…")
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))
