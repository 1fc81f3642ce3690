"""Run every bench/bench_*.py (each prints `name: value unit (ratio to baseline)`).

.venv/bin/python bench/run.py [--quick] [--only NAME ...]

Each benchmark runs in its own process; its output is shown as it comes and its
result lines are gathered into a summary table at the end. A benchmark that
fails (non-zero exit: a crash, or a target missed) is named in the summary and
makes the whole run exit non-zero. The load average is printed before and after:
the machine may be shared, so the figures are ratios to baselines of the same run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINE = re.compile(r"^[\w.-]+: [-\d.,]+ \S+")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=[], help="e.g. queue http (bench_NAME.py)")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    print(f"# load average at start: {loadavg()}", flush=True)
    summary: list[tuple[str, str]] = []
    failed: list[str] = []
    started = time.perf_counter()
    for script in scripts:
        print(f"# {script.name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(script), *(["--quick"] if args.quick else [])],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        for row in proc.stdout:
            print(row, end="", flush=True)
            if LINE.match(row):
                summary.append((script.stem, row.strip()))
        code = proc.wait()
        print(f"# {script.name}: exit {code} in {time.perf_counter() - t0:.0f} s", flush=True)
        if code:
            failed.append(f"{script.name} (exit {code})")
    print(f"\n# summary ({time.perf_counter() - started:.0f} s; load average now {loadavg()})")
    width = max((len(s) for s, _ in summary), default=0)
    for script_name, row in summary:
        print(f"{script_name:<{width}}  {row}")
    if failed:
        print("# FAILED or target missed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
