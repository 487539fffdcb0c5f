"""Key output of each cell at 10, 25, 40 and 60 degC (issue 11 acceptance table).

Run: .venv/bin/python benchmarks/temperature_table.py [--out FILE.json]

Symmetric M-Na: overpotential of the first cycle at 0.1 mA/cm2 (1-h half cycles) and its parts
(bulk iR, the two films, the two charge-transfer overpotentials, concentration) at the end of the
first half cycle; pristine Na: time to the 10 V limit at 0.1 mA/cm2; Na-CO2: charge-discharge gap
in the 2nd cycle at 200 mA/g (Fig. 5d) and the full-discharge capacity at 200 mA/g (Fig. 5c
protocol); NVP: mean discharge capacity at 2 C of the Fig. S31 rate test.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np

import solidna as sd
from solidna.calibrate import experiments as ex
from solidna.cells.nvp import figS31_rate_test
from solidna.errors import SolidnaError

TEMPERATURES_C = (10, 25, 40, 60)
_PARTS = {
    "film [mV]": ("Left interphase voltage [V]", "Right interphase voltage [V]"),
    "charge transfer [mV]": (
        "Left charge-transfer overpotential [V]",
        "Right charge-transfer overpotential [V]",
    ),
    "concentration [mV]": ("Concentration overpotential [V]",),
}


def symmetric_parts(ps) -> dict[str, float]:
    """Overpotential and its parts [mV] at the end of the first 1-h half cycle."""
    from solidna.models.solve import solve_current
    from solidna.protocols import PlatingStripping, current_schedule

    cell = sd.SymmetricCell("modified", ps)
    values = cell._values(None)
    names = sorted({n for pair in _PARTS.values() for n in pair})
    out = solve_current(
        values,
        "modified",
        current_schedule([PlatingStripping("0.1 mA/cm2", "2 h", half_cycle="1 h")]),
        variables=("Working-electrode voltage [V]", "Bulk SSE resistance [Ohm.m2]", *names),
    )
    t = out["Time [s]"]
    k = int(np.searchsorted(t, 3600.0 * (1 - 1e-6))) - 1  # last sample of the first half cycle
    i = 1.0  # 0.1 mA/cm2 = 1 A/m2
    res = {"bulk [mV]": float(i * out["Bulk SSE resistance [Ohm.m2]"][k] * 1e3)}
    for part, pair in _PARTS.items():
        sign = [1, -1] if len(pair) == 2 else [1]
        res[part] = 1e3 * float(sum(s * out[n][k] for s, n in zip(sign, pair, strict=True)))
    res["total at 1 h [mV]"] = 1e3 * float(out["Working-electrode voltage [V]"][k])
    eta = cell.cycle("0.1 mA/cm2", "1 h", "4 h").overpotential()
    res["overpotential cycle 1 [mV]"] = float(eta.iloc[0])
    return res


def row(T_C: float) -> dict[str, object]:
    ps = sd.lu2019().updated({"Temperature [K]": 273.15 + T_C}, method="assumed", source="user")
    out: dict[str, object] = {"T [C]": T_C}
    jobs = {
        "symmetric M-Na": lambda: symmetric_parts(ps),
        "pristine time to 10 V [h]": lambda: ex.time_to_limit_h(ex.fig4h(ps, "pristine", "40 h")),
        "Na-CO2 gap at 200 mA/g [V]": lambda: ex.fig5d_gap_V(ps, 200),
        "Na-CO2 capacity at 200 mA/g [mAh/g]": lambda: ex.fig5c(ps, 200).discharge_capacity(),
        "NVP capacity at 2C [mAh/g]": lambda: figS31_rate_test(ps, "modified").capacity_at(2.0),
    }
    for name, job in jobs.items():
        tic = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out[name] = job()
            if caught:
                out[name + " warnings"] = sorted({str(w.message)[:120] for w in caught})
        except SolidnaError as exc:
            out[name] = f"refused: {exc}"
        print(f"  {T_C} C {name}: {out[name]} ({time.perf_counter() - tic:.1f} s)", flush=True)
    return out


def main() -> None:
    rows = [row(T) for T in TEMPERATURES_C]
    if "--out" in sys.argv:
        with open(sys.argv[sys.argv.index("--out") + 1], "w") as fh:
            json.dump(rows, fh, indent=1, default=float)


if __name__ == "__main__":
    main()
