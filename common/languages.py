"""The portal's three languages and the data text in each: a leaf (Django's translation API and OpenCC only).

Traditional Chinese is the source. Simplified Chinese is derived from it with OpenCC
when a page is rendered, so an editor's correction shows at once in both scripts.
English data text is written by us and stored beside the Chinese in ``<field>_en``.
"""

from collections.abc import Sequence
from functools import lru_cache

import opencc
from django.utils.translation import get_language

TRADITIONAL, SIMPLIFIED, ENGLISH = "zh-hant", "zh-hans", "en"

#: The BCP 47 tag for ``<html lang>`` and ``hreflang``; Django's codes are lower-case.
HTML_LANG = {TRADITIONAL: "zh-Hant", SIMPLIFIED: "zh-Hans", ENGLISH: "en"}

#: Each language's name in itself, as the switcher shows it whatever the page language.
ENDONYMS = {TRADITIONAL: "繁體中文", SIMPLIFIED: "简体中文", ENGLISH: "English"}

#: OpenCC's "t2s": Traditional characters to Simplified, with OpenCC's standard phrase table.
#: The report is a mainland document set in Traditional characters, so its wording is
#: already mainland; "tw2sp" would rewrite it as if it were Taiwanese (查詢 → 查找).
OPENCC_CONFIG = "t2s"


#: OpenCC's "s2t", the other way: what reads a text written in either script (its units) speaks Traditional.
TO_TRADITIONAL_CONFIG = "s2t"


@lru_cache(maxsize=2)
def _converter(config: str = OPENCC_CONFIG) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=65_536)
def to_simplified(text: str) -> str:
    """``text`` in Simplified characters: '萬州區公安局' → '万州区公安局'. Cached per distinct text."""
    return _converter().convert(text)


@lru_cache(maxsize=4_096)
def to_traditional(text: str) -> str:
    """``text`` in Traditional characters: '个百分点' → '個百分點', '台' → '臺'. Cached per distinct text."""
    return _converter(TO_TRADITIONAL_CONFIG).convert(text)


def current_language(language: str | None = None) -> str:
    """``language`` (default: the active one) as one of the three codes; anything else is Traditional."""
    language = (language or get_language() or TRADITIONAL).lower()
    return language if language in HTML_LANG else TRADITIONAL


def html_lang(language: str | None = None) -> str:
    """The ``lang`` attribute of ``language`` (default: the active one): 'zh-Hant', 'zh-Hans' or 'en'."""
    return HTML_LANG[current_language(language)]


def in_language(text: str, english: str = "", language: str | None = None) -> str:
    """Data text for a page in ``language`` (default: the active one).

    ``text`` is the stored Traditional Chinese, ``english`` our English for it. English pages get
    ``english`` (the Chinese only when no English was written yet); Simplified pages get ``text``
    converted by OpenCC; Traditional pages get ``text`` as it is.
    """
    language = current_language(language)
    if language == ENGLISH:
        return english or text
    if language == SIMPLIFIED:
        return to_simplified(text)
    return text


def localized(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>`` in the page language, using ``obj.<field>_en`` for English."""
    return in_language(str(getattr(obj, field) or ""), getattr(obj, f"{field}_en", "") or "", language)


def newest_with_text(objects: Sequence, field: str, language: str | None = None):
    """The last of ``objects`` (oldest first) whose ``field`` is written in ``language`` (default: the
    active one), falling back one by one towards the oldest; the last of all when none is.

    English counts ``<field>_en`` as written; both Chinese scripts the stored Traditional text (the
    Simplified comes from it). A metric page takes its name this way, so a year imported without
    English yet does not turn the English page Chinese.
    """
    english = current_language(language) == ENGLISH
    for obj in reversed(objects):
        if getattr(obj, f"{field}_en" if english else field, ""):
            return obj
    return objects[-1]


def citation(report, language: str | None = None) -> str:
    """How pages and charts cite ``report`` (anything with agency, title and their ``_en``):
    萬州區公安局《2021年工作綜述》, 万州区公安局《2021年工作综述》 or
    Wanzhou District Public Security Bureau, “2021 Work Review”."""
    agency, title = localized(report, "agency", language), localized(report, "title", language)
    if current_language(language) == ENGLISH:
        return f"{agency}, \u201c{title}\u201d"
    return f"{agency}《{title}》"
