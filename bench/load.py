"""A small, steady HTTP load: N threads, each on its own keep-alive connection, GET in a loop.

Used by the cluster tests (tests_cluster/: count every request sent and every one lost while
nodes restart) and for the capacity numbers in docs/deploy.md:

    .venv/bin/python bench/load.py http://127.0.0.1:8201/reports/2021/ --cookie sessionid=… -c 4 -d 15

A request is *lost* when it raises (connection refused, reset, timed out) or answers anything
but the expected status. Only the standard library, so it runs anywhere the portal's venv does.
"""

import argparse
import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Tally:
    sent: int = 0
    ok: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.sent - self.ok

    def summary(self) -> str:
        return (
            f"sent {self.sent}, answered {self.ok}, lost {self.lost}"
            + (f", statuses {dict(self.statuses)}" if set(self.statuses) - {200} else "")
            + (f", errors {dict(self.errors)}" if self.errors else "")
        )


class Load:
    """Threads sending GETs to ``urls`` (cycled) until ``stop()``; ``tally`` counts them all."""

    def __init__(self, urls: list[str], *, cookie: str = "", connections: int = 4, expect: int = 200) -> None:
        self.urls = urls
        self.headers = {"Cookie": cookie} if cookie else {}
        self.expect = expect
        self.tally = Tally()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(connections)]

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> Tally:
        self._stopping.set()
        for thread in self._threads:
            thread.join()
        return self.tally

    def _connection(self, url) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)

    def _run(self, offset: int) -> None:
        targets = [urlsplit(url) for url in self.urls]
        conn = self._connection(targets[0])
        i = offset
        while not self._stopping.is_set():
            url = targets[i % len(targets)]
            i += 1
            path = url.path + (f"?{url.query}" if url.query else "")
            started = time.perf_counter()
            status, error = None, None
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                conn.close()
                conn = self._connection(url)
            elapsed = time.perf_counter() - started
            with self._lock:
                self.tally.sent += 1
                if error:
                    self.tally.errors[error] += 1
                else:
                    self.tally.statuses[status] += 1
                    if status == self.expect:
                        self.tally.ok += 1
                        self.tally.latencies.append(elapsed)
        conn.close()


def measure(urls: list[str], *, cookie: str = "", connections: int = 4, seconds: float = 10) -> tuple[float, Tally]:
    """Requests per second answered with 200 over ``seconds``, and the tally."""
    with Load(urls, cookie=cookie, connections=connections) as load:
        started = time.perf_counter()
        time.sleep(seconds)
        tally = load.stop()
        elapsed = time.perf_counter() - started
    return tally.ok / elapsed, tally


def main() -> None:
    parser = argparse.ArgumentParser(description="steady GET load; prints requests per second")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--cookie", default="")
    parser.add_argument("-c", "--connections", type=int, default=4)
    parser.add_argument("-d", "--duration", type=float, default=10)
    args = parser.parse_args()
    rate, tally = measure(args.urls, cookie=args.cookie, connections=args.connections, seconds=args.duration)
    latencies = sorted(tally.latencies) or [0.0]
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(f"{rate:.1f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms; {tally.summary()}")


if __name__ == "__main__":
    main()
