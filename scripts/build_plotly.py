"""Vendor plotly.js's partial "basic" bundle and its zh-TW locale into static/vendor/plotly/.

    python scripts/build_plotly.py          # needs npm; run it to change PLOTLY_JS_VERSION

The portal draws only bar charts, so it serves plotly.js's official partial
bundle ``dist/plotly-basic.min.js`` (scatter, bar, pie: a quarter of the full
bundle) instead of the 4.8 MB full one. The files come from the npm package
``plotly.js`` at the exact version below, fetched with ``npm pack``, whose
tarball npm checks against the registry's sha512 integrity; the same integrity
is written into README.md. Like Django's admin JavaScript, the built files are
committed, so ``make run`` needs no Node; tests/metrics/test_plotly_assets.py
checks them against SHA256SUMS and this version.

It also writes ``plotly-global.css``: the bundle's global style rules, which
plotly.js would otherwise inject as an inline ``<style>`` element that the
Content-Security-Policy (``style-src 'self'``) blocks. The page links it with
the id plotly.js looks for (metrics/templatetags/plotly_assets.py).
"""

import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "plotly.js"
PLOTLY_JS_VERSION = "4.1.1"
TARGET = Path(__file__).resolve().parent.parent / "static" / "vendor" / "plotly"
#: Member of the npm tarball → name in TARGET.
FILES = {
    "package/dist/plotly-basic.min.js": "plotly-basic.min.js",
    "package/dist/plotly-locale-zh-tw.js": "plotly-locale-zh-tw.js",
    "package/LICENSE": "LICENSE",
}
GLOBAL_CSS = "plotly-global.css"

# In the bundle the global rules are one object literal of string pairs opening with this
# key; "X" stands for the plot's root selector and "Y" for the notifier's.
_RULES_START = '"X,X div":'
_JS_STRING = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
# A key is a string literal or, where the minifier dropped the quotes, a bare name.
_RULE_PAIR = re.compile("(" + _JS_STRING[1:-1] + r"|[A-Za-z_$][\w$]*)\s*:\s*" + _JS_STRING + r"\s*(,|\})")


def _unquote(literal: str) -> str:
    if literal[0] not in "\"'":
        return literal
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def plotly_global_css(bundle: str) -> str:
    """The CSS text of plotly.js's global style rules; ValueError if the bundle has none."""
    start = bundle.find(_RULES_START)
    if start < 0:
        raise ValueError("plotly.js global style rules not found in the bundle")
    lines = []
    position = start
    while True:
        match = _RULE_PAIR.match(bundle, position)
        if match is None:
            raise ValueError(f"unexpected text in plotly.js style rules at offset {position}")
        selector = re.sub(r"^,", " ,", _unquote(match.group(1)))
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector}{{{_unquote(match.group(2))}}}")
        if match.group(3) == "}":
            break
        position = match.end()
        while bundle[position] in " \n\t":
            position += 1
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        packed = subprocess.run(
            ["npm", "pack", "--json", f"{PACKAGE}@{PLOTLY_JS_VERSION}"],
            cwd=work,
            check=True,
            capture_output=True,
            text=True,
        )
        (info,) = json.loads(packed.stdout)
        with tarfile.open(Path(work) / info["filename"]) as tarball:
            contents = {member: tarball.extractfile(member).read() for member in FILES}
    TARGET.mkdir(parents=True, exist_ok=True)
    for member, name in FILES.items():
        (TARGET / name).write_bytes(contents[member])
    bundle = contents["package/dist/plotly-basic.min.js"].decode("utf-8")
    (TARGET / GLOBAL_CSS).write_text(plotly_global_css(bundle), encoding="utf-8")
    names = sorted([*FILES.values(), GLOBAL_CSS])
    sums = "".join(f"{hashlib.sha256((TARGET / name).read_bytes()).hexdigest()}  {name}\n" for name in names)
    (TARGET / "SHA256SUMS").write_text(sums, encoding="utf-8")
    (TARGET / "README.md").write_text(
        f"""# plotly.js {PLOTLY_JS_VERSION}, partial bundle "basic", with the zh-TW locale

Built by `python scripts/build_plotly.py`; do not edit these files by hand.

- Source: npm package `{PACKAGE}@{PLOTLY_JS_VERSION}` ({info["filename"]}),
  integrity `{info["integrity"]}`
- `plotly-basic.min.js` ← `dist/plotly-basic.min.js` (trace types scatter, bar, pie)
- `plotly-locale-zh-tw.js` ← `dist/plotly-locale-zh-tw.js`
- `LICENSE` ← `LICENSE` (MIT)
- `plotly-global.css`: the global style rules read from the bundle, so that plotly.js
  injects no inline `<style>` (Content-Security-Policy `style-src 'self'`)
- `SHA256SUMS`: checked by `tests/metrics/test_plotly_assets.py`
""",
        encoding="utf-8",
    )
    sys.stdout.write(sums)


if __name__ == "__main__":
    main()
