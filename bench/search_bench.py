"""Time the search page through a running portal: p50/p95 per query; print a markdown table.

    python3 bench/search_bench.py --base http://127.0.0.1:8766 --label PostgreSQL [--runs 60]

Standard library only (``limits_check.Client``: cookies and CSRF by hand, ``X-Forwarded-Proto: https``).
Logs in as the viewer named in SEARCH_VIEWER (``name:password``). Each query is asked ``--runs`` times after
three unmeasured requests, one at a time; the time is the whole request as the client sees it.
"""

import argparse
import os
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))
from limits_check import Client  # noqa: E402

#: (label, query): one, two, three and five characters and an English word; each size once on a query that
#: only the 2021 report states (few matches) and once on one every synthetic figure matches (tens of thousands).
QUERIES = [
    ("the page without a query (no index read: the floor)", ""),
    ("1 character, few matches", "槍"),
    ("1 character, every synthetic figure", "合"),
    ("2 characters (Simplified), few matches", "纠纷"),
    ("2 characters, every synthetic figure", "合成"),
    ("3 characters, few matches", "律師駐"),
    ("3 characters, every synthetic figure", "合成指"),
    ("5 characters, few matches", "排查矛盾糾"),
    ("5 characters, many matches", "合成指標 1"),
    ("English word, few matches", "fireworks"),
    ("English word, every mediation code", "mediation"),
    ("digits as the report writes them", "18161"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    client = Client(args.base)
    name, _sep, password = os.environ["SEARCH_VIEWER"].partition(":")
    answer = client.login("/accounts/login/", name, password)
    if answer.status != 302:
        print(f"login failed: {answer.status}", file=sys.stderr)
        return 1
    print(f"| {args.label}: query | characters | results | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, query in QUERIES:
        path = "/search/?" + urlencode({"q": query}) if query else "/search/"
        for _ in range(3):
            client.get(path)
        times, answer = [], None
        for _ in range(args.runs):
            answer = client.get(path)
            if answer.status != 200:
                print(f"{query}: status {answer.status}", file=sys.stderr)
                return 1
            times.append(answer.seconds * 1000)
        found = re.search(r'class="search-summary">\D*([\d,]+)', answer.text)
        print(
            f"| {label} | {len(query)} | {found.group(1) if found else '–'} | {statistics.median(times):.1f} "
            f"| {percentile(times, 0.95):.1f} | {max(times):.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
