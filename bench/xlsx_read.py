"""Reading an XLSX: openpyxl (read-only, the baseline: the import used it until calamine) against
calamine, and the import's own reader (calamine in a child process with capped memory, the rows
written back as CSV and read with Polars: `registry.importer.files`).

    .venv/bin/python bench/xlsx_read.py [--people 100000] [--seed 1] [FILE.xlsx]

Without FILE, `padu generate population` writes one into var/bench/ (kept for the same N and
seed). Each reader runs in its own process; time is wall time, memory the peak resident memory
of that process and its children (sampled every 0.05 s).
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_registry import _tree_rss_kb

ROOT = Path(__file__).resolve().parent.parent

READERS = {
    "openpyxl": """
from openpyxl import load_workbook
book = load_workbook(PATH, read_only=True, data_only=True)
rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
""",
    "calamine": """
from python_calamine import CalamineWorkbook
rows = sum(1 for _ in CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).iter_rows()) - 1
""",
    "padu": """
import django
django.setup()
from pathlib import Path
from padu.registry.importer import files
layout = files.read_layout(Path(PATH))
rows = sum(chunk.height for chunk in files.iter_chunks(Path(PATH), layout, 50_000))
""",
}


def measure(name: str, path: Path, env: dict) -> tuple[float, float, int]:
    code = f"PATH = {str(path)!r}\n{READERS[name]}\nprint(rows)"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True
    )
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _err = proc.communicate()
    sampler.join()
    if proc.returncode:
        sys.exit(f"{name} failed")
    return time.perf_counter() - start, peak[0] / 1024, int(out.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "padu.settings", "PADU_DEMO": "1"}
    path = args.file
    if path is None:
        path = ROOT / "var" / "bench" / f"population-{args.people}-{args.seed}.xlsx"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [sys.executable, "-m", "padu", "generate", "population", "--people",
                 str(args.people), "--seed", str(args.seed), "--out", str(path)],
                env=env, check=True,
            )  # fmt: skip
    print(f"{path.name}: {path.stat().st_size / 1024 / 1024:.1f} MB")
    baseline = None
    for name in READERS:
        seconds, megabytes, rows = measure(name, path, env)
        baseline = baseline or seconds
        print(
            f"{name:9} {rows:>9,} rows  {seconds:7.1f} s ({seconds / baseline:4.2f}× openpyxl)"
            f"  peak {megabytes:6.0f} MB"
        )


if __name__ == "__main__":
    main()
