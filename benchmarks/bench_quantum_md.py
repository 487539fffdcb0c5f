"""Benchmark: one 200-fs GFN2-xTB trajectory of FEC-Na+ on the Na(100) cluster; goal <= 5 min.

The ``fast`` MD settings (Na13 cluster, T_el = 1000 K, dt = 0.5 fs) except for the length.
Prints the time per step, the energy drift and the events found.

Run: .venv/bin/python benchmarks/bench_quantum_md.py [fast|paper]
"""

import sys

from _common import measure

from solidna.quantum.levels import get_md_settings
from solidna.quantum.md import analyse, md_adsorbate, run_trajectory
from solidna.quantum.molecules import molecule, na_complex


def main() -> None:
    settings = get_md_settings(sys.argv[1] if len(sys.argv) > 1 else "fast").replace(
        duration_fs=200.0
    )
    start = md_adsorbate(na_complex(molecule("FEC")))
    traj = measure(
        f"FEC-Na+ on Na, 200 fs ({settings.label})",
        lambda: run_trajectory(start, settings, seed=1),
        goal_s=300.0,
    )
    events = analyse(traj)
    n_steps = len(traj.times_fs) - 1
    print(f"  {n_steps} steps, {traj.wall_time_s / n_steps * 1e3:.0f} ms per step")
    print(
        f"  energy drift {traj.energy_drift_meV_per_atom():.3f} meV/atom; SCF retries {traj.scf_retries}"
    )
    print(
        f"  ring opening {events.ring_opening_fs} fs ({events.ring_bond}); C-F cleavage "
        f"{events.cf_cleavage_fs} fs; Na-F at 80 fs {events.na_f_at_80fs_A} A"
    )


if __name__ == "__main__":
    main()
