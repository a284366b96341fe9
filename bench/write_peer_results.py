"""Write bench/peer.sh's raw lines as the "Against Datasette" section of bench/results.md.

Usage: python bench/write_peer_results.py bench/.work/peer bench/results.md
The section sits between two HTML comments; it replaces the one already there or is
appended, and ``bench/write_results.py`` carries it over when bench/run.sh rewrites the file.
"""

import re
import statistics
import sys
from pathlib import Path

START = "<!-- peer comparison: written by bench/peer.sh -->"
END = "<!-- end of peer comparison -->"

TARGET_PAGE_RATIO = 1.0
STRETCH_PAGE_RATIO = 2.0
TARGET_CSV_RATIO = 3.0


def fields(line: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", line))


def section(raw: Path) -> str:
    machine = dict(line.split("=", 1) for line in (raw / "machine.txt").read_text().splitlines() if "=" in line)
    pages = [fields(line) for line in (raw / "pages.txt").read_text().splitlines() if line.startswith("PAGE")]
    csv_lines = (raw / "csv.txt").read_text().splitlines()
    csvs = [fields(line) for line in csv_lines if line.startswith("CSV")]
    memory = [fields(line) for line in csv_lines if line.startswith("MEMORY")]

    def rounds(side: str) -> list[float]:
        return [float(page["rps"]) for page in pages if page["side"] == side]

    def cpu_per_request(side: str) -> float:
        """Median over rounds of the server's CPU milliseconds per request served."""
        return statistics.median(
            float(page["cpu_ms"]) / int(page["requests"]) for page in pages if page["side"] == side
        )

    def csv_cpu(side: str) -> float:
        return statistics.median(float(run["cpu_ms"]) / 1000 for run in csvs if run["side"] == side)

    def csv_seconds(side: str) -> float:
        return statistics.median(float(run["seconds"]) for run in csvs if run["side"] == side)

    def rows(side: str) -> int:
        return int(next(run["rows"] for run in csvs if run["side"] == side))

    def megabytes(side: str, when: str, key: str) -> float:
        return int(next(m[key] for m in memory if m["side"] == side and m["when"] == when)) / 1024

    ours, theirs = statistics.median(rounds("ours")), statistics.median(rounds("datasette"))
    page_ratio = ours / theirs
    ours_csv, theirs_csv = csv_seconds("ours"), csv_seconds("datasette")
    csv_ratio = theirs_csv / ours_csv
    growth = megabytes("ours", "after_csv", "peak_kb") - megabytes("ours", "before_csv", "rss_kb")

    def latency(side: str, key: str) -> str:
        return f"{statistics.median(float(page[key]) for page in pages if page['side'] == side):.0f}"

    def round_list(side: str) -> str:
        return ", ".join(f"{value:.1f}" for value in rounds(side))

    page_verdict = "met" if page_ratio >= TARGET_PAGE_RATIO else "missed"
    if page_ratio >= STRETCH_PAGE_RATIO:
        page_verdict += f", stretch {STRETCH_PAGE_RATIO:.0f}× met too"
    csv_verdict = "met" if csv_ratio >= TARGET_CSV_RATIO else "missed"
    year = machine["year"]
    out = [
        START,
        "## Against Datasette",
        "",
        f"Measured {machine['measured']} UTC by `{machine['command']}` on {machine['cores']} cores ({machine['cpu']};"
        f" load average {machine['load']} when it ended, the machine is shared), {int(machine['figures']):,}"
        f" synthetic figures in SQLite. One process each: gunicorn with 1 worker and 1 thread for the portal,"
        f" `datasette serve` ({machine['datasette']}, default settings, own venv under `bench/.work/`) on a"
        " `figures` table loaded from the portal's own export, indexed on `report_year`."
        f" Both servers, wrk and curl ran at nice {machine['nice']}."
        f" wrk with {machine['connections']} connections for {machine['duration']} s per round;"
        f" {machine['rounds']} rounds alternate the two pages so both meet the same load; the median round counts.",
        "",
        "| what | portal | Datasette | portal ÷ Datasette |",
        "| --- | ---: | ---: | ---: |",
        f"| year {year}, 25 rows: `/metrics/?year={year}` vs `/figures/figures?report_year={year}&_size=25`,"
        f" req/s (rounds: {round_list('ours')} vs {round_list('datasette')}) | {ours:.1f} | {theirs:.1f}"
        f" | **{page_ratio:.2f}×** |",
        f"| same pages, server CPU ms per request (median round) | {cpu_per_request('ours'):.1f}"
        f" | {cpu_per_request('datasette'):.1f} | {cpu_per_request('datasette') / cpu_per_request('ours'):.2f}×"
        " less CPU |",
        f"| same pages, median p50 / p99 latency ms | {latency('ours', 'p50')} / {latency('ours', 'p99')}"
        f" | {latency('datasette', 'p50')} / {latency('datasette', 'p99')} | |",
        f"| full CSV: `/metrics/?_export=csv` vs `/figures/figures.csv?_stream=on&_size=max`, median of 3, s"
        f" ({rows('ours'):,} vs {rows('datasette'):,} rows) | {ours_csv:.2f} | {theirs_csv:.2f}"
        f" | **{csv_ratio:.1f}× faster** |",
        f"| full CSV, server CPU s (median of 3) | {csv_cpu('ours'):.2f} | {csv_cpu('datasette'):.2f}"
        f" | {csv_cpu('datasette') / csv_cpu('ours'):.1f}× less CPU |",
        f"| server process memory, MB: before the exports → peak | {megabytes('ours', 'before_csv', 'rss_kb'):.0f}"
        f" → {megabytes('ours', 'after_csv', 'peak_kb'):.0f}"
        f" | {megabytes('datasette', 'before_csv', 'rss_kb'):.0f}"
        f" → {megabytes('datasette', 'after_csv', 'peak_kb'):.0f} | |",
        "",
        f"- Explorer page: {page_ratio:.2f}× Datasette's table page (target ≥ {TARGET_PAGE_RATIO:.1f}×,"
        f" stretch {STRETCH_PAGE_RATIO:.0f}×): {page_verdict}.",
        f"- Full CSV: {csv_ratio:.1f}× faster than Datasette's streamed CSV (target ≥ {TARGET_CSV_RATIO:.0f}×):"
        f" {csv_verdict}; the gunicorn worker's memory grew {growth:.1f} MB over the three exports.",
        "- Requests per second depend on the share of the 2 cores each server gets from a shared machine;"
        " CPU time per request does not, and Datasette runs its SQL in a pool of threads beside its event loop"
        " where the gunicorn worker serves one request at a time on one thread.",
        "- Both pages count the matching rows on every request; Datasette's also runs its facet suggestions"
        " (its default), the portal's renders the filter form with every year and the navigation of 40 reports."
        " Datasette's CSV carries a `rowid` column the portal's has not.",
        END,
    ]
    return "\n".join(out)


def main(raw: Path, results: Path) -> None:
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    block = section(raw)
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
