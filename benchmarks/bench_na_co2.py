"""Benchmarks: 50 capacity-limited Na-CO2 cycles (goal <= 10 s) and
``solidna reproduce --only fig5 --only thermo --only abstract`` (goal <= 60 s).

Run: .venv/bin/python benchmarks/bench_na_co2.py
"""

import tempfile

from _common import measure

import solidna as sd
from solidna.reproduce.runner import reproduce


def main() -> None:
    cell = sd.NaCO2Cell(anode="modified")
    cell.cycle("200 mA/g", "1000 mAh/g", cycles=1)  # warm-up: imports, first build
    run = measure(
        "Na-CO2, 50 cycles at 200 mA/g and 1000 mAh/g (solve + per-cycle table)",
        lambda: (lambda r: (r, r.cycles()))(cell.cycle("200 mA/g", "1000 mAh/g", cycles=50)),
        goal_s=10.0,
        repeat=3,
    )
    table = run[1]
    print(
        f"  terminal discharge voltage {table['Terminal discharge voltage [V]'].iloc[0]:.3f} -> "
        f"{table['Terminal discharge voltage [V]'].iloc[-1]:.3f} V"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = measure(
            "reproduce fig5 + thermo + abstract",
            lambda: reproduce(["fig5", "thermo", "abstract"], out=tmp, force=True),
            goal_s=60.0,
        )
    n_pass = sum(1 for r in out["results"] if r.get("pass") is True)
    n_fail = sum(1 for r in out["results"] if r.get("pass") is False)
    print(f"  results: {n_pass} pass, {n_fail} fail")


if __name__ == "__main__":
    main()
