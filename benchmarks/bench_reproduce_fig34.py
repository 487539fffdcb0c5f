"""Benchmark: ``solidna reproduce --only fig3 --only fig4 --only figS18``; goal <= 90 s.

Run: .venv/bin/python benchmarks/bench_reproduce_fig34.py
"""

import tempfile

from _common import measure

from solidna.reproduce.runner import reproduce


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = measure(
            "reproduce fig3 + fig4 + figS18 (cold process)",
            lambda: reproduce(["fig3", "fig4", "figS18"], out=tmp, force=True),
            goal_s=90.0,
        )
    n_pass = sum(1 for r in out["results"] if r.get("pass") is True)
    n_fail = sum(1 for r in out["results"] if r.get("pass") is False)
    print(f"  results: {n_pass} pass, {n_fail} fail")


if __name__ == "__main__":
    main()
