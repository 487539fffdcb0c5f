"""Benchmark: ``solidna reproduce --only fig1`` at the default level; goal <= 5 min (so that a
fresh ``make reproduce`` stays <= 6 min in total).

Runs with the results cache switched off (``SOLIDNA_NO_CACHE=1``), as on a fresh machine.

Run: .venv/bin/python benchmarks/bench_reproduce_fig1.py
"""

import os
import tempfile

from _common import measure

from solidna.reproduce.runner import reproduce


def main() -> None:
    os.environ["SOLIDNA_NO_CACHE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        out = measure(
            "reproduce fig1 (default level, no cache)",
            lambda: reproduce(["fig1"], out=tmp, force=True, modules=["solidna.reproduce.fig1"]),
            goal_s=300.0,
        )
    for r in out["results"]:
        print(
            f"  {r['id']:32s} paper {r['paper']!s:>6}  model {r['model']!s:>22}  pass {r.get('pass')}"
        )


if __name__ == "__main__":
    main()
