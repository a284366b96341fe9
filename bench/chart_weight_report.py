"""Print the Markdown table of bench/chart_weight.jsonl: per label, bytes of a first overview visit and
median draw times over the runs (each run's figure is itself a median of 7 page loads).

    python bench/chart_weight_report.py bench/chart_weight.jsonl
"""

import json
import statistics
import sys

PAGES = ("/reports/2021/", "/reports/2021/stability/", "/reports/2021/crackdown/", "/reports/2021/mediation/")


def main(path: str) -> None:
    runs: dict[str, list[dict]] = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            result = json.loads(line)
            runs.setdefault(result["label"], []).append(result)
    header = ["code", "runs", "overview bytes (as sent)", "of which JS", *(f"draw {page} (ms)" for page in PAGES)]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for label, results in runs.items():
        overview = results[-1]["overview"]
        draws = [round(statistics.median(result["draw_ms"][page] for result in results)) for page in PAGES]
        cells = [
            label,
            str(len(results)),
            f"{overview['total_bytes']:,}",
            f"{overview['by_type'].get('text/javascript', 0):,}",
            *(f"{draw:,}" for draw in draws),
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
