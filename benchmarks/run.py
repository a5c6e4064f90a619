"""`make bench`: run every benchmarks/bench_*.py and write the figures to docs/benchmarks.md.

Each module defines ``TITLE`` and ``run(ctx) -> str`` returning a Markdown section (tables of the
figures it measured, each against a baseline measured in the same run, and whether the target was
met). ``ctx`` gives the database URL and a scratch folder. Pass module names to run only some:
``python benchmarks/run.py bench_board``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Context:
    root: Path
    database_url: str
    redis_url: str
    scratch: Path


def main(argv: list[str]) -> int:
    # Support modules (gunicorn settings, URLconfs) share the prefix but define no ``run``.
    names = argv or sorted(
        p.stem
        for p in (ROOT / "benchmarks").glob("bench_*.py")
        if "\ndef run(" in p.read_text(encoding="utf-8")
    )
    scratch = ROOT / "var" / "bench"
    scratch.mkdir(parents=True, exist_ok=True)
    ctx = Context(ROOT, os.environ["DATABASE_URL"], os.environ["REDIS_URL"], scratch)
    sections, failed = [], []
    for name in names:
        mod = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {mod.TITLE}", flush=True)
        t0 = time.perf_counter()
        try:
            body = mod.run(ctx)
        except Exception:  # a broken benchmark is reported, the others still run
            failed.append(name)
            body = "```\n" + traceback.format_exc() + "```\n"
        took = time.perf_counter() - t0
        sections.append(f"## {mod.TITLE}\n\n{body.strip()}\n\n_({name}, {took:.0f} s)_\n")
        print(body, flush=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    header = (
        "# Benchmarks\n\nWritten by `make bench` (benchmarks/run.py). Every figure below was measured in one run "
        "on the machine described here, each against a baseline measured side by side in the same run; "
        "these machines are shared and noisy (10–25 % between runs), so read ratios, not absolute times.\n\n"
        f"- run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit `{commit}`\n"
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "PostgreSQL and Redis on localhost\n\n"
    )
    out = ROOT / "docs" / "benchmarks.md"
    if argv and out.exists():
        # Partial run: replace only the sections that ran.
        existing = out.read_text()
        for name, sec in zip(names, sections, strict=True):
            mod = importlib.import_module(f"benchmarks.{name}")
            start = existing.find(f"## {mod.TITLE}\n")
            if start >= 0:
                end = existing.find("\n## ", start + 1)
                existing = existing[:start] + sec + ("" if end < 0 else existing[end:])
            else:
                existing += "\n" + sec
        out.write_text(existing)
    else:
        out.write_text(header + "\n".join(sections))
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
