"""Turn bench/run.sh's raw lines into bench/results.md (printed to stdout).

Usage: python bench/write_results.py bench/raw [bench/results.md]  (reads machine.txt, load.txt,
queries.txt, export.txt). Given the current results file, its Datasette section (bench/peer.sh) is kept.
"""

import re
import statistics
import sys
from pathlib import Path

# Markers of bench/peer.sh's section (bench/write_peer_results.py); kept when this file is rewritten.
PEER_START = "<!-- peer comparison: written by bench/peer.sh -->"
PEER_END = "<!-- end of peer comparison -->"

TARGET_SECTION_SHARE = 0.5
TARGET_EXPORT_RATIO = 3.0
TARGET_MEMORY_MB = 50


def fields(line: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", line))


def main(work: Path, previous: Path | None = None) -> None:
    machine = dict(line.split("=", 1) for line in (work / "machine.txt").read_text().splitlines() if "=" in line)
    loads = []
    for line in (work / "load.txt").read_text().splitlines():
        label, path, _, *rest = line.split()
        loads.append({"label": label, "path": path, **fields(" ".join(rest))})
    queries = {}
    for line in (work / "queries.txt").read_text().splitlines():
        label, _, path, cold, warm = line.split()
        queries[(label, path)] = (int(cold), int(warm))
    exports = [fields(line) for line in (work / "export.txt").read_text().splitlines() if line.startswith("EXPORT")]
    memory = fields(next(line for line in (work / "export.txt").read_text().splitlines() if line.startswith("MEMORY")))

    out = [
        "# Benchmark results",
        "",
        f"Measured {machine['measured']} UTC by `bash bench/run.sh` on {machine['cores']} cores"
        f" ({machine['cpu']}), gunicorn (config defaults) on PostgreSQL,"
        f" wrk with {machine['connections']} connections for {machine['duration']} s per URL.",
        "The load tool runs on the same machine as gunicorn and PostgreSQL, so they share the cores.",
        "",
        "## Pages",
        "",
        "| data | URL | req/s | p50 ms | p95 ms | p99 ms | errors | SQL queries (cold / cached) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    names = {"small": "2021 report (54 figures)", "large": "20 years × 500 per section"}
    for row in loads:
        errors = int(row["socket_errors"]) + int(row["status_errors"])
        cold, warm = queries[(row["label"], row["path"])]
        out.append(
            f"| {names[row['label']]} | `{row['path']}` | {float(row['rps']):.0f} | {row['p50']} | {row['p95']} | "
            f"{row['p99']} | {errors} | {cold} / {warm} |"
        )

    web = statistics.median(float(e["web_s"]) for e in exports)
    copy = statistics.median(float(e["copy_s"]) for e in exports)
    growth_mb = (int(memory["peak_kb"]) - int(memory["idle_kb"])) / 1024
    out += [
        "",
        f"## Export of {int(exports[0]['rows']):,} figures (median of {len(exports)} runs)",
        "",
        "| what | wall time s | note |",
        "| --- | ---: | --- |",
        f"| `/metrics/?_export=csv` through gunicorn | {web:.2f} | {int(exports[0]['bytes']):,} bytes |",
        f"| PostgreSQL `COPY (SELECT …) TO STDOUT WITH CSV` | {copy:.2f} | same columns and order |",
        f"| ratio | {web / copy:.1f}× | target ≤ {TARGET_EXPORT_RATIO:.0f}× |",
        "",
        f"gunicorn worker memory: {int(memory['idle_kb']) / 1024:.0f} MB idle, "
        f"{int(memory['peak_kb']) / 1024:.0f} MB peak during the exports: "
        f"growth {growth_mb:.1f} MB (target < {TARGET_MEMORY_MB} MB).",
    ]

    def rps(label, path_start):
        return next(float(r["rps"]) for r in loads if r["label"] == label and r["path"].startswith(path_start))

    verdicts = []
    for label in ("small", "large"):
        health = rps(label, "/healthz")
        section = next(float(r["rps"]) for r in loads if r["label"] == label and "/mediation/" in r["path"])
        share = section / health
        verdict = (
            "met."
            if share >= TARGET_SECTION_SHARE
            else (
                f"missed by {TARGET_SECTION_SHARE - share:.0%} of `/healthz`: every response copies and sends "
                "the cached body (see below); paginating large section tables, or caching whole responses "
                "per user, would close it."
            )
        )
        verdicts.append(
            f"- {names[label]}: the cached section page serves {section:.0f} req/s, {share:.0%} of `/healthz`'s "
            f"{health:.0f} (target ≥ {TARGET_SECTION_SHARE:.0%}): {verdict}"
        )
    total_errors = sum(int(r["socket_errors"]) + int(r["status_errors"]) for r in loads)
    verdicts.append(
        f"- Errors across all load runs: {total_errors} (target 0): {'met' if total_errors == 0 else 'missed'}."
    )
    # The same four pages in the same order at both sizes (only the year in the URL differs).
    small_counts = [counts for (label, _), counts in queries.items() if label == "small"]
    large_counts = [counts for (label, _), counts in queries.items() if label == "large"]
    same = small_counts == large_counts
    verdicts.append(
        "- SQL queries per page are the same on both data sizes: " + ("yes." if same else "no, see the table.")
    )
    verdicts.append(
        f"- Export: {web / copy:.1f}× the time of COPY (target ≤ {TARGET_EXPORT_RATIO:.0f}×): "
        f"{'met' if web / copy <= TARGET_EXPORT_RATIO else 'missed'}; worker memory grew {growth_mb:.1f} MB "
        f"(target < {TARGET_MEMORY_MB} MB): {'met' if growth_mb < TARGET_MEMORY_MB else 'missed'}."
    )
    healths = [float(r["rps"]) for r in loads if r["path"] == "/healthz"]
    explorer = [float(r["rps"]) for r in loads if r["path"].startswith("/metrics/")]
    meaning = [
        f"- **Noise.** wrk, gunicorn and PostgreSQL share the {machine['cores']} cores, and `/healthz` itself "
        f"served {min(healths):.0f} and {max(healths):.0f} req/s in the two phases; a ratio near a target can "
        "fall on either side of it from one run to the next.",
        "- **Cached pages.** After the first request an overview or section page costs 3 SQL queries (session, "
        "user, and the two revision numbers in one row) and the rendering of the page shell around the cached "
        "body. The cold build (10 queries, charts, table) happens once per process and content revision. A "
        "section of the large data set carries a 500-row table in its body (about 150 KB after whitespace "
        "removal), which every response copies and sends: that page is the one closest to its target.",
        f"- **Explorer.** It is not cached: every request renders the filter form and a 25-row table, which keeps it "
        f"near {statistics.mean(explorer):.0f} req/s. It is an analyst's tool, not a page the whole department opens.",
        f"- **Export.** The web export takes {web - copy:.2f} s more than COPY for the same rows: Python turns each "
        "database row into cells, escapes formula-like text, formats the number, writes CSV and encodes UTF-8, "
        "where COPY never leaves C. Reading the rows alone (values_list) takes about half of the web time. What "
        "would close the gap: on PostgreSQL, stream COPY's own output with the escaping and number formatting done "
        "in SQL (`trim_scale`, `CASE`), keeping the Python writer for SQLite, at the price of a second "
        "implementation of the row format that the tests would have to hold byte-identical to the first. Memory "
        "stays flat: rows are read through a server-side cursor and sent 500 lines at a time.",
    ]
    out += ["", "## Against the targets", "", *verdicts, "", "## What the numbers mean", "", *meaning, ""]
    if previous is not None and previous.exists():
        kept = re.search(f"{re.escape(PEER_START)}.*?{re.escape(PEER_END)}", previous.read_text(), re.DOTALL)
        if kept:
            out += [kept.group(0), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
