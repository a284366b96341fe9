"""Find text in the wrong script: each text node and shown attribute, with the ``lang`` in force there."""

import json
import re
from html.parser import HTMLParser

from common.languages import to_simplified

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


class _LangText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.found: list[tuple[str, str]] = []
        self.json_block = False

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang", self._lang())
        for name in SHOWN_ATTRIBUTES & attrs.keys():
            self.found.append((lang, attrs[name] or ""))
        if tag not in VOID:
            self.stack.append((tag, lang))
            self.json_block = tag == "script" and attrs.get("type") == "application/json"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag("br", attrs)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        self.json_block = False

    def handle_data(self, data):
        if self.json_block:
            self.found.extend((self._lang(), text) for text in _strings(json.loads(data)))
        elif self.stack and self.stack[-1][0] in {"script", "style"}:
            return
        else:
            self.found.append((self._lang(), data))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def texts(html: str) -> list[tuple[str, str]]:
    """(lang in force, text) for every text node, shown attribute and string in a JSON data block."""
    parser = _LangText()
    parser.feed(html)
    return parser.found


def chinese_outside_chinese(html: str) -> set[str]:
    """Texts holding Chinese characters where the lang in force is not zh-…"""
    return {text.strip() for lang, text in texts(html) if not lang.lower().startswith("zh") and CJK.search(text)}


def traditional_outside_traditional(html: str) -> set[str]:
    """Texts holding a character OpenCC would change to Simplified where the lang in force is not zh-Hant."""
    return {text.strip() for lang, text in texts(html) if lang.lower() != "zh-hant" and to_simplified(text) != text}
