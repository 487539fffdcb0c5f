"""A CV written as potential and current with a units row under the names and the scan rate in
its header: the time is built after the units row is read (the scan-rate reader met the 'V'
cell of that row and refused the file)."""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.io import CURRENT, TIME, VOLTAGE, read


def test_scan_rate_time_with_a_units_row(tmp_path):
    e = np.r_[np.linspace(-0.2, 0.2, 41), np.linspace(0.19, -0.2, 40)]
    rows = "\n".join(f"{x:.3f},{1e-3 * x:.6g}" for x in e)
    path = tmp_path / "cv.csv"
    path.write_text("Scan Rate (V/s) = 0.1\n\nPotential,Current\nV,mA\n" + rows + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[VOLTAGE], e, atol=1e-12)
    np.testing.assert_allclose(m.data[CURRENT], 1e-6 * e, rtol=1e-5, atol=1e-12)
    # 0.01 V a row at 0.1 V/s: 0.1 s a row
    assert m.data[TIME].iloc[-1] == pytest.approx((len(e) - 1) * 0.1)
    assert any("scan rate" in n for n in m.notes)
