"""A browser for the cluster tests: cookies, the admin's forms resubmitted as a browser would."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Page:
    status: int
    body: str
    headers: dict


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookie-keeping client; ``base`` is nginx unless a request names a node's own address."""

    def __init__(self, base: str, *, sessionid: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.sessionid = sessionid

    def _cookie_header(self) -> str:
        cookies = {cookie.name: cookie.value for cookie in self.jar}
        cookies["sessionid"] = self.sessionid
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def request(self, path: str, *, base: str | None = None, data: dict | list | None = None) -> Page:
        url = (base or self.base).rstrip("/") + path
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Cookie": self._cookie_header()})
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, response.read().decode("utf-8", "replace"), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Page(error.code, error.read().decode("utf-8", "replace"), dict(error.headers))

    def get(self, path: str, **kwargs) -> Page:
        return self.request(path, **kwargs)

    def submit(self, path: str, changes: dict, *, base: str | None = None, button: str = "_save") -> Page:
        """GET the form at ``path``, change ``changes``, POST it back with every other field as it was."""
        form = self.get(path, base=base)
        assert form.status == 200, (path, form.status)
        fields = form_fields(form.body)
        data = [(name, value) for name, value in fields if name not in changes]
        data += list(changes.items()) + [(button, "1")]
        return self.request(path, base=base, data=data)


class _FormParser(HTMLParser):
    """The fields a browser would send from the page's main form (the last POST form)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append([])
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in attrs:
            fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = _FormParser()
    parser.feed(html)
    return max(parser.forms, key=len)


def normalised(html: str) -> str:
    """A page without what differs between two renderings of the same data: the CSRF token."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html)
