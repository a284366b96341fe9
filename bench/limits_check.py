"""Send the requests that reproduced the limit findings to a running portal; print a markdown table.

    python3 bench/limits_check.py --base http://127.0.0.1:8765 --master-pid PID --section-id N

Standard library only. It logs in as the editor, the viewer and the analyst itself (user names and
passwords from LIMITS_EDITOR, LIMITS_VIEWER, LIMITS_ANALYST as ``name:password``), handling the CSRF
token and the cookies by hand: behind DJANGO_BEHIND_PROXY=1 every request says
``X-Forwarded-Proto: https`` (as nginx would), so the cookies come back Secure and no client library
would send them back over http; this one keeps them and writes the Cookie header itself.

One row per request (a finding may take several, numbered 2a, 2b…): what was sent, the status, the wall
time, the answer's size, for the import and formset findings the growth of the gunicorn workers'
memory (VmRSS after − before, and the peak VmHWM growth, the largest of the workers), and whether the
answer is the expected one. bench/limits_check.sh runs it against `make serve`.
"""

import argparse
import html
import json
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

#: Limits of the product (docs/limits.md), as the answers are expected to name them.
MAX_TEXT_CHARS = 200_000
MAX_PROPOSALS = 500
#: What counts as "a clear answer within a second or so": flagged SLOW past this.
FAST_SECONDS = 2.0
#: DJANGO_REQUEST_TIME_LIMIT's default: a request working longer is stopped and answered 503.
REQUEST_TIME_LIMIT = 20.0
#: The tests' bound on a refusal's memory (tests/common/test_admin.py, tests/metrics/importing/test_admin.py).
MAX_GROWTH_KIB = 50 * 1024
#: The address the proxy would append to X-Forwarded-For for this client.
CLIENT_ADDRESS = "203.0.113.7"
#: Finding 7: an IPv6 address with a zone id of 40 characters, which PostgreSQL's inet refused.
ZONE_ADDRESS = "fe80::1%" + "a" * 40
EVIL_NAME = '化解率<a href="https://evil.example/x">詳情</a>'
#: The name as plotly.js must receive it to draw it as typed: its markup characters as entities.
PLOTLY_ESCAPED_NAME = EVIL_NAME.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
IMPORT_URL = "/admin/metrics/figure/import/"


# --- HTTP with cookies kept by hand ---------------------------------------------------------------


@dataclass
class Answer:
    method: str
    path: str
    status: int
    headers: list
    body: bytes
    seconds: float
    sent_bytes: int

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser: its own cookies, and the X-Forwarded-* headers the proxy would add."""

    def __init__(self, base: str, *, forwarded_for: str = CLIENT_ADDRESS, timeout: float = 120):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{parts.hostname}:{self.port}"
        self.forwarded_for = forwarded_for
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes = b"", content_type: str = "", referer: str = ""):
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
            "User-Agent": "limits-check/1",
            "Accept-Language": "zh-Hant",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            # Django checks the Origin (and for https the Referer) of an unsafe request against the Host.
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            headers["Content-Length"] = str(len(body))
        connection = HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body if method == "POST" else None, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - start
        answer = Answer(method, path, response.status, response.getheaders(), data, seconds, len(body))
        for key, value in answer.headers:
            if key.lower() == "set-cookie":
                self._keep(value)
        return answer

    def _keep(self, set_cookie: str) -> None:
        cookie = SimpleCookie()
        cookie.load(set_cookie)
        for name, morsel in cookie.items():
            expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
            if expired or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields, *, files=(), multipart: bool = False, referer: str = "") -> Answer:
        if multipart or files:
            body, content_type = multipart_body(fields, files)
        else:
            body, content_type = urlencode(list(fields)).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, content_type=content_type, referer=referer)

    def login(self, path: str, username: str, password: str) -> Answer:
        """GET the login form (the CSRF cookie and token), POST the credentials; the POST's answer."""
        page = self.get(path)
        token = csrf_token(page)
        fields = [("csrfmiddlewaretoken", token), ("username", username), ("password", password)]
        if "/admin/" in path:
            fields.append(("next", "/admin/"))
        return self.post(path, fields)


def multipart_body(fields, files) -> tuple[bytes, str]:
    """multipart/form-data as a browser sends it; ``files`` are (field name, file name, bytes)."""
    boundary = "----limitscheck" + uuid.uuid4().hex
    chunks = []
    for name, value in fields:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        chunks.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# --- HTML: forms as a browser submits them, json_script blocks -------------------------------------


class FormParser(HTMLParser):
    """Each <form>'s successful controls as a browser submits them (no submit buttons, no files)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            name = attrs.get("name")
            if not name or kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form["fields"].append([name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the newline right after <textarea> and sends line breaks as CRLF.
            value = self._textarea[1]
            value = value[1:] if value.startswith("\n") else value
            self._textarea[1] = value.replace("\r\n", "\n").replace("\n", "\r\n")
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen is not None:
                self._form["fields"].append([self._select["name"], chosen])
            self._select = None
        elif tag == "form":
            self._form = None


def page_forms(answer: Answer) -> list[dict]:
    parser = FormParser()
    parser.feed(answer.text)
    return parser.forms


def form_with(answer: Answer, field_name: str) -> list[list[str]]:
    """The fields of the page's form that has ``field_name``."""
    for form in page_forms(answer):
        if any(name == field_name for name, _value in form["fields"]):
            return [list(pair) for pair in form["fields"]]
    raise CheckFailed(f"{answer.method} {answer.path}: no form with {field_name!r} (status {answer.status})")


def csrf_token(answer: Answer) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.text)
    if not match:
        raise CheckFailed(f"{answer.path}: no CSRF token (status {answer.status})")
    return match.group(1)


JSON_SCRIPT = re.compile(r'<script id="([^"]+)" type="application/json">(.*?)</script>', re.S)


def json_scripts(answer: Answer) -> dict[str, object]:
    return {key: json.loads(content) for key, content in JSON_SCRIPT.findall(answer.text)}


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def error_texts(answer: Answer) -> list[str]:
    """The texts of the page's error lists and error notes (the admin's and the portal's), unescaped, in order."""
    found = re.findall(
        r'<(?:ul|p) class="(?:errorlist[^"]*|errornote|form-error)"[^>]*>(.*?)</(?:ul|p)>', answer.text, re.S
    )
    return [html.unescape(re.sub(r"<[^>]+>", " ", item)).strip() for item in found]


# --- Memory of the gunicorn workers ---------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Growth:
    rss_kib: int
    peak_kib: int
    replaced: bool

    def __str__(self) -> str:
        text = f"{self.rss_kib / 1024:+.1f} MiB (peak {self.peak_kib / 1024:+.1f} MiB)"
        return text + (", a worker was replaced" if self.replaced else "")


class Workers:
    def __init__(self, master: int | None):
        self.master = master

    def snapshot(self, *, reset_peak: bool = False) -> dict[int, tuple[int, int]]:
        """(VmRSS, VmHWM) of each worker; ``reset_peak`` first sets each VmHWM back to the current RSS."""
        if not self.master:
            return {}
        result = {}
        for pid in children(self.master):
            if reset_peak:
                try:
                    Path(f"/proc/{pid}/clear_refs").write_text("5")  # proc(5): resets the peak RSS
                except OSError:
                    pass
            try:
                result[pid] = memory_kib(pid)
            except (OSError, KeyError):
                continue
        return result

    def growth(self, before: dict, after: dict) -> Growth | None:
        if not self.master:
            return None
        common = set(before) & set(after)
        rss = max((after[pid][0] - before[pid][0] for pid in common), default=0)
        # The peak during the request over the RSS before it (the peak was reset to that RSS just before).
        peak = max((after[pid][1] - before[pid][0] for pid in common), default=0)
        return Growth(rss, peak, replaced=set(before) != set(after))


# --- The table ------------------------------------------------------------------------------------


class CheckFailed(Exception):
    pass


@dataclass
class Row:
    label: str
    finding: str
    request: str
    answer: Answer | None = None
    growth: Growth | None = None
    verdict: str = ""
    notes: list[str] = field(default_factory=list)


def size_text(count: int) -> str:
    if count < 10_000:
        return f"{count:,} B"
    if count < 10_000_000:
        return f"{count / 1024:,.1f} KiB"
    return f"{count / 1024 / 1024:,.1f} MiB"


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def print_table(rows: list[Row]) -> None:
    print("| # | Finding | Request | Status | Time | Answer size | Worker memory growth | Result |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        answer = row.answer
        status = str(answer.status) if answer else "–"
        seconds = f"{answer.seconds:.2f} s" if answer else "–"
        size = size_text(len(answer.body)) if answer else "–"
        growth = str(row.growth) if row.growth else "–"
        result = row.verdict + ("; " + "; ".join(row.notes) if row.notes else "")
        print(
            f"| {row.label} | {cell(row.finding)} | {cell(row.request)} | {status} | {seconds} | {size} "
            f"| {cell(growth)} | {cell(result)} |"
        )


class Run:
    def __init__(self, args):
        self.args = args
        self.base = args.base
        self.workers = Workers(args.master_pid)
        self.rows: list[Row] = []

    # Each check appends its rows; a failure is recorded in the row, never stops the run.
    def measure(self, row: Row, send, *, memory: bool = False) -> Answer | None:
        before = self.workers.snapshot(reset_peak=True) if memory else None
        try:
            row.answer = send()
        except CheckFailed as error:
            row.verdict = f"CHECK FAILED: {error}"
        except OSError as error:
            row.verdict = f"NO ANSWER: {error!r}"
        if memory:
            time.sleep(0.2)  # the worker finishes its bookkeeping after the last byte
            row.growth = self.workers.growth(before, self.workers.snapshot())
        self.rows.append(row)
        return row.answer

    def judge(self, row: Row, ok: bool, expected: str, *, fast: bool = True) -> None:
        if row.answer is None:
            return
        answer = row.answer
        problems = []
        if answer.status >= 500:
            problems.append(f"NOT FIXED: {answer.status}")
        elif not ok:
            problems.append(f"NOT AS EXPECTED (expected {expected})")
        if fast and answer.seconds > FAST_SECONDS:
            problems.append(f"SLOW ({answer.seconds:.1f} s > {FAST_SECONDS:.0f} s)")
        elif not fast and answer.seconds > REQUEST_TIME_LIMIT / 2:
            problems.append(
                f"SLOW ({answer.seconds:.1f} s, over half the {REQUEST_TIME_LIMIT:.0f} s request time limit)"
            )
        if row.growth and row.growth.peak_kib > MAX_GROWTH_KIB:
            problems.append(f"NOT FIXED: memory peak {row.growth.peak_kib / 1024:.0f} MiB > 50 MiB")
        if row.growth and row.growth.replaced:
            problems.append("a worker was replaced")
        row.verdict = "; ".join(problems) if problems else f"ok: {expected}"

    def client(self, role: str) -> Client:
        name, _sep, password = os.environ[f"LIMITS_{role.upper()}"].partition(":")
        client = Client(self.base)
        answer = client.login("/accounts/login/", name, password)
        if answer.status != 302 or "sessionid" not in client.cookies:
            raise SystemExit(f"login as {role} ({name}) failed: {answer.status}")
        return client

    # --- 0. warm-up: every worker has served the pages once, as a server in use has ---------------------

    def warm_up(self, editor: Client, viewer: Client) -> None:
        for _round in range(4):
            editor.get(IMPORT_URL)
            editor.get(f"/admin/reports/section/{self.args.section_id}/change/")
            viewer.get("/metrics/")
            viewer.get("/reports/2021/mediation/")
        small = [("year", "2030"), ("agency", "萬州區公安局"), ("title", "熱身"), ("source_name", "")]
        for _round in range(4):
            page = editor.get(IMPORT_URL)
            text = "維護穩定 守護平安\n全年排查矛盾糾紛2000起，化解1900起，化解率95%。"
            editor.post(
                IMPORT_URL,
                [("csrfmiddlewaretoken", csrf_token(page)), *small, ("text", text), ("propose", "1")],
                multipart=True,
            )

    # --- 1. drafts in the explorer ------------------------------------------------------------------

    def finding_1(self, viewer: Client, analyst: Client, editor: Client) -> None:
        finding = "Draft year in the explorer"
        for label, who, client in (("1a", "viewer", viewer), ("1b", "analyst", analyst), ("1c", "editor", editor)):
            row = Row(label, finding, f"GET /metrics/ as {who}: year choices")
            answer = self.measure(row, lambda client=client: client.get("/metrics/"))
            if answer:
                years = re.findall(r'<input type="checkbox" name="year" value="(\d+)"', answer.text)
                row.notes.append("years offered: " + (", ".join(years) or "none"))
                self.judge(row, answer.status == 200 and years and "2022" not in years, "200, 2022 not offered")
        for label, year in (("1d", 2022), ("1e", 2031)):
            path = f"/metrics/?year={year}&_export=csv"
            row = Row(label, finding, f"GET {path} as analyst" + (" (draft year)" if year == 2022 else " (no report)"))
            answer = self.measure(row, lambda path=path: analyst.get(path))
            if answer:
                row.notes.append(f"Content-Type {answer.header('Content-Type').split(';')[0]}")
                errors = [text for text in error_texts(answer) if text]
                if errors:
                    row.notes.append("says: " + errors[0][:80])
                self.judge(row, answer.status == 400, "400, nothing exported")

    # --- 2. oversized imports -----------------------------------------------------------------------

    def import_post(self, client: Client, fields, *, files=(), step: str = "propose", page: Answer | None = None):
        page = page or client.get(IMPORT_URL)
        return client.post(
            IMPORT_URL,
            [("csrfmiddlewaretoken", csrf_token(page)), *fields, (step, "1")],
            files=files,
            multipart=True,
        )

    @staticmethod
    def header(year: int, title: str) -> list:
        return [("year", str(year)), ("agency", "萬州區公安局"), ("title", title), ("source_name", "")]

    def finding_2(self, editor: Client) -> None:
        finding = "Import can take a worker down"
        content = ("維穩安保\n" + "1%\n" * 200_000).encode()
        row = Row(
            "2a",
            finding,
            f'POST {IMPORT_URL} propose, upload "維穩安保\\n" + "1%\\n" × 200,000 '
            f"({len(content.decode()):,} chars, {len(content):,} bytes)",
        )
        answer = self.measure(
            row,
            lambda: self.import_post(
                editor, [*self.header(2030, "上傳"), ("text", "")], files=[("upload", "big.txt", content)]
            ),
            memory=True,
        )
        if answer:
            errors = [text for text in error_texts(answer) if "200,000" in text]
            row.notes.append("says: " + (errors[0][:90] if errors else "no error naming 200,000"))
            self.judge(row, answer.status == 200 and bool(errors), "form error naming the limit")

        text = "維穩安保\n" + "\n".join(f"破案{number}起" for number in range(1, 2001))
        row = Row("2b", finding, f"POST {IMPORT_URL} propose, paste of 2,000 one-figure lines ({len(text):,} chars)")
        answer = self.measure(
            row, lambda: self.import_post(editor, [*self.header(2030, "貼上"), ("text", text)]), memory=True
        )
        if answer:
            errors = [text for text in error_texts(answer) if str(MAX_PROPOSALS) in text]
            row.notes.append("says: " + (errors[0][:90] if errors else "no error naming 500"))
            self.judge(row, answer.status == 200 and bool(errors), "form error naming 500 figures")

    # --- 3. an import of 300 figures ----------------------------------------------------------------

    def review_and_create(self, editor: Client, labels: tuple, finding: str, what: str, fields, files, count_note):
        """Propose (review page), then POST the review's form back with ``create``: the two rows."""
        row = Row(labels[0], finding, f"POST {IMPORT_URL} propose, {what}")
        review = self.measure(row, lambda: self.import_post(editor, fields, files=files), memory=True)
        rows = 0
        if review:
            rows = len(re.findall(r'name="rows-\d+-quote"', review.text))
            errors = [text for text in error_texts(review) if text]
            row.notes.append(f"review shows {rows} rows" + (f"; says: {errors[0][:80]}" if errors else ""))
            self.judge(row, review.status == 200 and count_note(rows), "the review with every row", fast=False)
        if not review or review.status != 200 or not rows:
            return
        data = form_with(review, "rows-TOTAL_FORMS")
        data = [pair for pair in data if pair[0] != "csrfmiddlewaretoken"]
        fields_count = len(data) + 2
        row = Row(
            labels[1],
            finding,
            f"POST {IMPORT_URL} create, the review's form as rendered ({rows} rows, {fields_count:,} fields)",
        )
        answer = self.measure(row, lambda: self.import_post(editor, data, step="create", page=review), memory=True)
        if answer:
            location = answer.header("Location")
            row.notes.append(f"Location {location or '–'}")
            created = ""
            if answer.status == 302 and location:
                message = editor.get(location)
                found = re.search(r"已建立 \d+ 年度報告草稿，含 (\d+) 筆數據", message.text)
                created = found.group(1) if found else ""
                row.notes.append(f"the draft's message: {found.group(0) if found else 'none'}")
            else:
                errors = [text for text in error_texts(answer) if text]
                row.notes.append("says: " + (errors[0][:90] if errors else "no error shown"))
            self.judge(
                row,
                answer.status == 302 and "/admin/reports/report/" in location and created == str(rows),
                f"302 to the new draft with {rows} figures",
                fast=False,
            )

    def finding_3(self, editor: Client) -> None:
        text = figures_text(300)
        self.review_and_create(
            editor,
            ("3a", "3b"),
            "An import of more than 89 figures",
            f"paste of 300 distinct one-figure lines under 3 headings ({len(text):,} chars)",
            [*self.header(2023, "2023年工作綜述（300 筆）"), ("text", text)],
            (),
            lambda rows: rows == 300,
        )
        text = figures_text(MAX_PROPOSALS)
        self.review_and_create(
            editor,
            ("3c", "3d"),
            "An import of more than 89 figures",
            f"paste of {MAX_PROPOSALS} one-figure lines, the most one import takes ({len(text):,} chars)",
            [*self.header(2025, f"2025年工作綜述（{MAX_PROPOSALS} 筆）"), ("text", text)],
            (),
            lambda rows: rows == MAX_PROPOSALS,
        )

    # --- 4. the longest text ------------------------------------------------------------------------

    def finding_4(self, editor: Client) -> None:
        finding = "Upload over 200,000 characters"
        over = padded_text(MAX_TEXT_CHARS + 1, figures=20)
        row = Row(
            "4a", finding, f"POST {IMPORT_URL} propose, upload of {len(over):,} chars ({len(over.encode()):,} bytes)"
        )
        answer = self.measure(
            row,
            lambda: self.import_post(
                editor, [*self.header(2030, "過長"), ("text", "")], files=[("upload", "over.txt", over.encode())]
            ),
            memory=True,
        )
        if answer:
            errors = [text for text in error_texts(answer) if "200,000" in text]
            row.notes.append("says: " + (errors[0][:90] if errors else "no error naming 200,000"))
            self.judge(row, answer.status == 200 and bool(errors), "form error naming 200,000")

        exact = padded_text(MAX_TEXT_CHARS, figures=50)
        self.review_and_create(
            editor,
            ("4b", "4c"),
            finding,
            f"upload of exactly {len(exact):,} chars stating 50 figures ({len(exact.encode()):,} bytes)",
            [*self.header(2024, "2024年工作綜述（最長原文）"), ("text", "")],
            [("upload", "exact.txt", exact.encode())],
            lambda rows: rows == 50,
        )

    # --- 5. markup in chart texts -------------------------------------------------------------------

    def finding_5(self, viewer: Client) -> None:
        finding = "Editor's text as chart markup"
        code = self.args.metric_code
        for label, path in (("5a", f"/metrics/{code}/"), ("5b", "/reports/2021/mediation/")):
            row = Row(label, finding, f"GET {path} (figure named {EVIL_NAME})")
            answer = self.measure(row, lambda path=path: viewer.get(path))
            if not answer:
                continue
            payloads = json_scripts(answer)
            # The builder wraps long labels with its own <br>: plotly.js draws those as line breaks.
            texts = [text.replace("<br>", "") for payload in payloads.values() for text in strings_in(payload)]
            carrying = [text for text in texts if "evil.example" in text]
            raw = [text for text in carrying if "<" in text]
            escaped = [text for text in carrying if PLOTLY_ESCAPED_NAME in text]
            row.notes.append(
                f"{len(payloads)} json_script blocks, {len(carrying)} chart texts carry the name: "
                f"{len(escaped)} as {PLOTLY_ESCAPED_NAME[:7]}…, {len(raw)} with a tag plotly.js would obey"
            )
            in_page = 'evil.example/x">' in answer.text
            if in_page:
                row.notes.append('the page holds the raw link evil.example/x">')
            self.judge(
                row,
                answer.status == 200 and bool(carrying) and not raw and len(escaped) == len(carrying) and not in_page,
                "200, chart payload carries &lt;a",
            )

    # --- 6. a tiny POST inflating a formset ---------------------------------------------------------

    def finding_6(self, editor: Client) -> None:
        finding = "Tiny POST inflating a formset"
        path = f"/admin/reports/section/{self.args.section_id}/change/"
        page = editor.get(path)
        data = form_with(page, "figures-TOTAL_FORMS")
        management = [
            pair
            for pair in data
            if pair[0].endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS"))
        ]
        prefixes = sorted({name.rsplit("-", 1)[0] for name, _value in management})
        tiny = [
            ("csrfmiddlewaretoken", csrf_token(page)),
            *((name, "999999" if name == "figures-TOTAL_FORMS" else value) for name, value in management),
        ]
        body_size = len(urlencode(tiny))
        row = Row(
            "6a",
            finding,
            f"POST {path}: the management forms only ({', '.join(prefixes)}), figures-TOTAL_FORMS=999999 "
            f"({body_size} bytes)",
        )
        answer = self.measure(row, lambda: editor.post(path, tiny), memory=True)
        if answer:
            self.formset_notes(row, answer)
        full = [(name, "999999" if name == "figures-TOTAL_FORMS" else value) for name, value in data]
        full.append(("_save", "儲存"))
        row = Row(
            "6b",
            finding,
            f"POST {path}: the whole form as rendered, figures-TOTAL_FORMS=999999 ({len(urlencode(full)):,} bytes)",
        )
        answer = self.measure(row, lambda: editor.post(path, full), memory=True)
        if answer:
            self.formset_notes(row, answer)

    def formset_notes(self, row: Row, answer: Answer) -> None:
        errors = [text for text in error_texts(answer) if text]
        too_many = [text for text in errors if "300" in text]
        row.notes.append("says: " + ((too_many or errors or ["no error shown"])[0][:90]))
        self.judge(row, answer.status == 200 and bool(too_many), "200, the form again with an error naming 300")

    # --- 7. a zone id in X-Forwarded-For ------------------------------------------------------------

    def finding_7(self) -> None:
        finding = "X-Forwarded-For with a long IPv6 zone id"
        viewer_name, _sep, viewer_password = os.environ["LIMITS_VIEWER"].partition(":")
        editor_name, _sep, editor_password = os.environ["LIMITS_EDITOR"].partition(":")
        cases = (
            ("7a", "/accounts/login/", "nobody", "wrong-password", 200),
            ("7b", "/accounts/login/", viewer_name, viewer_password, 302),
            ("7c", "/admin/login/", "nobody", "wrong-password", 200),
            ("7d", "/admin/login/", editor_name, editor_password, 302),
        )
        for label, path, name, password, expected in cases:
            client = Client(self.base, forwarded_for=ZONE_ADDRESS)
            wrong = expected == 200
            row = Row(
                label,
                finding,
                f"POST {path} ({'wrong password' if wrong else 'right password'}), X-Forwarded-For: fe80::1%a…a (40 a)",
            )
            answer = self.measure(
                row, lambda client=client, path=path, name=name, password=password: client.login(path, name, password)
            )
            if answer:
                if wrong:
                    errors = [text for text in error_texts(answer) if text]
                    row.notes.append("says: " + (errors[0][:70] if errors else "no error shown"))
                    ok = answer.status == 200 and bool(errors)
                else:
                    row.notes.append(f"Location {answer.header('Location') or '–'}")
                    ok = answer.status == 302
                self.judge(row, ok, "200 with the form error" if wrong else "302, logged in")

    # --- 8. the CSRF failure page -------------------------------------------------------------------

    def finding_8(self) -> None:
        client = Client(self.base)
        row = Row("8a", "CSRF failure page", "POST /accounts/login/ without cookie or token")
        answer = self.measure(row, lambda: client.post("/accounts/login/", [("username", "x"), ("password", "y")]))
        if answer:
            inline_style = "<style" in answer.text.lower()
            csp = answer.header("Content-Security-Policy")
            portal = 'rel="stylesheet"' in answer.text and "<html" in answer.text
            row.notes.append(f"inline <style>: {'yes' if inline_style else 'none'}")
            row.notes.append("portal page" if portal else "not the portal's page")
            row.notes.append("CSP " + ("without unsafe-inline" if csp and "unsafe-inline" not in csp else repr(csp)))
            self.judge(row, answer.status == 403 and not inline_style and portal, "403, portal page without <style>")
        skipped = Row(
            "8b",
            "Database unreachable",
            "any request while PostgreSQL does not answer",
            verdict="SKIPPED: it needs PostgreSQL stopped, which this shared machine must keep running "
            "(tests/wanzhou_police/test_faults.py covers it with closed ports)",
        )
        self.rows.append(skipped)

    def run(self) -> None:
        editor, viewer, analyst = self.client("editor"), self.client("viewer"), self.client("analyst")
        self.warm_up(editor, viewer)
        for check in (
            lambda: self.finding_1(viewer, analyst, editor),
            lambda: self.finding_2(editor),
            lambda: self.finding_3(editor),
            lambda: self.finding_4(editor),
            lambda: self.finding_5(viewer),
            lambda: self.finding_6(editor),
            self.finding_7,
            self.finding_8,
        ):
            try:
                check()
            except (CheckFailed, OSError) as error:
                self.rows.append(Row("!", "check stopped", "", verdict=f"CHECK FAILED: {error!r}"))
        print_table(self.rows)


# --- Texts to import ------------------------------------------------------------------------------

PLACES = (
    "沙河街道 高筍塘街道 牌樓街道 鐘鼓樓街道 周家壩街道 龍都街道 太白街道 陳家壩街道 江南新區 雙河口街道 "
    "天城鎮 熊家鎮 龍沙鎮 武陵鎮 甘寧鎮 長嶺鎮 分水鎮 李河鎮 孫家鎮 郭村鎮"
).split()
ACTIONS = (
    ("排查矛盾糾紛", "起"),
    ("破獲刑事案件", "件"),
    ("抓獲犯罪嫌疑人", "名"),
    ("檢查行業場所", "家"),
    ("出動巡邏警力", "人次"),
    ("收繳管制刀具", "把"),
    ("查處交通違法行為", "起"),
    ("走訪困難群眾", "戶"),
    ("整治治安隱患", "處"),
    ("開展防詐騙宣傳", "場"),
    ("清理消防通道", "條"),
    ("回訪重點人員", "人"),
    ("查獲非法煙花爆竹", "件"),
    ("調處鄰里糾紛", "宗"),
    ("排查出租房屋", "間"),
)
HEADINGS = ("維護穩定 守護平安", "打擊犯罪 整治治安", "化解矛盾 服務群眾")


def figure_lines(count: int) -> list[str]:
    """``count`` distinct paragraphs stating one figure each: a place, what was done, a number and its unit."""
    lines = []
    for index in range(count):
        action, unit = ACTIONS[(index // len(PLACES)) % len(ACTIONS)]
        lines.append(f"{PLACES[index % len(PLACES)]}{action}{17 + 37 * index}{unit}。")
    if len(set(lines)) != count:
        raise ValueError(f"only {len(set(lines))} distinct lines for {count}")
    return lines


def figures_text(count: int) -> str:
    """The three section headings, each followed by a third of ``count`` one-figure paragraphs."""
    lines, parts = figure_lines(count), []
    per_heading = -(-count // len(HEADINGS))
    for number, heading in enumerate(HEADINGS):
        parts += [heading, *lines[number * per_heading : (number + 1) * per_heading]]
    return "\n".join(parts)


def padded_text(length: int, *, figures: int) -> str:
    """``figures_text(figures)`` and then paragraphs stating no figure: exactly ``length`` characters."""
    text = figures_text(figures)
    filler = "\n" + "，".join(["加強治安巡邏"] * 20) + "。"
    while len(text) + len(filler) < length - 2:
        text += filler
    text += "\n" + "說" * (length - len(text) - 2) + "。"
    if len(text) != length:
        raise ValueError(f"{len(text)} characters, not {length}")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--master-pid", type=int, help="gunicorn's master: its children are the workers")
    parser.add_argument("--section-id", type=int, required=True, help="the 2021 mediation section's id")
    parser.add_argument("--metric-code", default="mediation.resolution_rate", help="the renamed figure's code")
    args = parser.parse_args()
    Run(args).run()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
