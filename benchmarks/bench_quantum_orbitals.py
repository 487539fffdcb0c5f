"""Benchmark: FEC and FEC-Na+ frontier orbitals at the ``paper`` level, optimisation included.

B3LYP/6-311+G(d,p)//B3LYP/6-31+G(d), IEF-PCM (eps 78.4): GFN2-xTB pre-optimisation, geomeTRIC
optimisation at B3LYP/6-31+G(d)/IEF-PCM, then the orbitals. Goal <= 10 min on 2 cores. The results
cache is not read (a benchmark measures a computation). Prints the LUMO shift (paper: -0.89 eV).

Run: .venv/bin/python benchmarks/bench_quantum_orbitals.py [level]
"""

import sys

from _common import measure

from solidna.quantum.orbitals import na_shift


def main() -> None:
    level = sys.argv[1] if len(sys.argv) > 1 else "paper"
    shift = measure(
        f"FEC + FEC-Na+ at the {level} level, with optimisation",
        lambda: na_shift("FEC", level, cache=False),
        goal_s=600.0,
    )
    print(f"  level: {shift.free.level['label']}")
    for r in (shift.free, shift.complex):
        print(
            f"  {r.name:8s} HOMO {r.homo_eV:7.3f} eV  LUMO {r.lumo_eV:7.3f} eV  "
            f"({r.wall_time_s:.0f} s, geometry: {r.geometry})"
        )
    print(f"  Delta LUMO = {shift.delta_lumo_eV:+.3f} eV (paper -0.89 eV)")


if __name__ == "__main__":
    main()
