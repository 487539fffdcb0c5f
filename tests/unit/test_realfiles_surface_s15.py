"""Defects found by reading real public XPS, AFM and topography files (session 15).

Every file here is a synthetic twin written by the test; no third-party file is copied. Each
test names the public file whose layout it follows and that file's licence.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.xps.io import read_xps

# --------------------------------------------------------------------------------------------
# XPS: a SPECS Prodigy region cut short
# --------------------------------------------------------------------------------------------
_PRODIGY_HEAD = """# Created by:        SpecsLab Prodigy, Version 4.100.1-r111001
#
# XY-Serializer Export Settings:
#   Comment Prefix:           #
#   Output Meta Data:         yes
#   Energy Axis:              Binding Energy
#   Count Rate:               Counts per Second
#   Separate Scan Data:       yes
#
# Group:                        1 sample
#
# Region:                       Fe2p
# Values/Curve:                 {stated}
# Excitation Energy:            1486.61
# Pass Energy:                  20
#
# Cycle: 0, Curve: 0, Scan: 0
#
# ColumnLabels:                 energy counts/s
"""


def _prodigy(path, stated: int, rows: int) -> None:
    """A Prodigy ``.xy`` region: 1-eV steps down from 750 eV, an Fe 2p3/2 peak at 711 eV."""
    energy = 750.0 - np.arange(rows)
    counts = 4000 + 3000 * np.exp(-(((energy - 711.0) / 2.0) ** 2))
    table = "".join(f"{e:g}  {c:.4f}\n" for e, c in zip(energy, counts, strict=True))
    path.write_text(_PRODIGY_HEAD.format(stated=stated) + table, encoding="utf-8")


def test_prodigy_region_with_fewer_points_than_its_header_states_is_noted(tmp_path):
    """pynxtools-xps' tests/data/specs_xy/MgFe2O4_small.xy (Apache-2.0) states
    ``Values/Curve: 56`` for its Fe2p region and holds 55 rows (750 to 696 eV): the region was cut
    short, and it was read and fitted as a whole region without a word."""
    p = tmp_path / "cut.xy"
    _prodigy(p, stated=56, rows=55)
    (s,) = read_xps(p)
    assert len(s.binding_energy_eV) == 55
    cut = [n for n in s.metadata["notes"] if "Values/Curve" in n]
    assert len(cut) == 1
    assert "states 56 points" in cut[0] and "holds 55" in cut[0] and "cut short" in cut[0]


def test_control_a_complete_prodigy_region_has_no_such_note(tmp_path):
    p = tmp_path / "whole.xy"
    _prodigy(p, stated=56, rows=56)
    (s,) = read_xps(p)
    assert len(s.binding_energy_eV) == 56
    assert not [n for n in s.metadata["notes"] if "Values/Curve" in n]
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(711.0)


# --------------------------------------------------------------------------------------------
# AFM: force tables read with the generic reader's delimiter and decimal-mark rules
# --------------------------------------------------------------------------------------------
TIP = np.linspace(3e-6, 0.0, 400)  # tip position, far to near [m]
E_PA, CP_M = 2e4, 1e-6


def _force() -> np.ndarray:
    return indentation_force("paraboloid", CP_M - TIP, E_PA)


def _german(value: float) -> str:
    """A number as a spreadsheet in a German locale writes it with digit groups:
    ``2.999,8765`` (point between groups of three, decimal comma)."""
    return f"{value:,.4f}".translate(str.maketrans(",.", ".,"))


def _write(path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_decimal_comma_force_table_with_digit_groups_is_read(tmp_path):
    """The NT-MDT Nova text export afmformats reads (tests/data/2015_01_17_gel4-0,1_mQ_adh_6B_
    Curve_DFL_Height_51.txt, MIT: tab-separated, decimal commas, heights to -7999,9482 nm) saved
    with a units header from a spreadsheet that groups digits: heights past 1000 nm became
    ``2.999,8765``. afm.py's own cell parser read a cell with a point and a comma as no number
    and the table was refused ("afmformats cannot read it"); the generic reader's rules (the
    decimal mark the cells decide, digit groups removed column by column) read it."""
    f = _force()
    h = np.r_[TIP, TIP[::-1]] * 1e9
    force = np.r_[f, f[::-1]] * 1e12
    rows = [_german(a) + "\t" + f"{b:.6f}".replace(".", ",") for a, b in zip(h, force, strict=True)]
    assert rows[0].startswith("3.000,0000\t")  # the layout under test
    p = tmp_path / "curve.txt"
    _write(p, "Height (nm)\tForce (pN)", rows)
    (c,) = read_force_curves(p)
    assert len(c.approach_force_N) == len(TIP)
    assert c.approach_height_m[0] == pytest.approx(3e-6, rel=1e-9)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)
    assert any("decimal commas read" in n for n in c.metadata["notes"])


def test_decimal_comma_table_whose_thousands_are_one_group_reads_them_as_thousands(tmp_path):
    """``1.020`` alone is a decimal point or a digit group; beside ``-0,2`` (a decimal comma)
    it is 1020 nm. afm.py read it as 1.02 nm (a point is a point), so the curve jumped by three
    orders of magnitude at every whole micrometre."""
    tip = np.arange(3000.0, -1.0, -8.0) * 1e-9  # whole nanometres, far to near [m]
    f = indentation_force("paraboloid", CP_M - tip, E_PA)
    h = np.r_[tip, tip[::-1]] * 1e9
    force = np.r_[f, f[::-1]] * 1e12
    rows = [
        f"{round(a):,}".replace(",", ".") + "\t" + f"{b:.6f}".replace(".", ",")
        for a, b in zip(h, force, strict=True)
    ]
    assert rows[0].startswith("3.000\t")
    p = tmp_path / "whole_nm.txt"
    _write(p, "Height (nm)\tForce (pN)", rows)
    (c,) = read_force_curves(p)
    assert c.approach_height_m[0] == pytest.approx(3e-6, rel=1e-12)
    assert np.all(np.diff(c.approach_height_m) < 0)  # runs towards the surface throughout
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)


@pytest.mark.parametrize(
    ("sep", "decimal"),
    [("\t", "."), (";", ","), (",", "."), ("\t", ",")],
)
def test_control_force_tables_of_each_delimiter_still_read(tmp_path, sep, decimal):
    f = _force()
    h = np.r_[TIP, TIP[::-1]] * 1e9
    force = np.r_[f, f[::-1]] * 1e12
    rows = [
        f"{a:.6f}".replace(".", decimal) + sep + f"{b:.6f}".replace(".", decimal)
        for a, b in zip(h, force, strict=True)
    ]
    p = tmp_path / "plain.txt"
    _write(p, f"Height (nm){sep}Force (pN)", rows)
    (c,) = read_force_curves(p)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)
    said = any("decimal commas read" in n for n in c.metadata["notes"])
    assert said == (decimal == ",")


# --------------------------------------------------------------------------------------------
# Topography: Gwyddion's XYZ export with its informational header
# --------------------------------------------------------------------------------------------
def _gwyddion_xyz(path, channel: str, lateral: str, value: str, z, pitch, decimal: str = "."):
    """Gwyddion's "XYZ text data (.xyz)" export (modules/file/xyzexport.c, GPL-2: the layout
    only) with "Add informational header": ``# Channel:``, ``# Lateral units:``, ``# Value
    units:``, then one ``x<TAB>y<TAB>z`` line a pixel, row by row, x and y at the pixel centres
    (``dx (j + 0.5)``), every number ``%.5g`` (the default precision) with the locale's decimal
    mark unless "Use dot as decimal separator" is ticked."""
    lines = [f"# Channel: {channel}", f"# Lateral units: {lateral}", f"# Value units: {value}"]
    ny, nx = z.shape
    for i in range(ny):
        for j in range(nx):
            cells = (f"{pitch * (j + 0.5):.5g}", f"{pitch * (i + 0.5):.5g}", f"{z[i, j]:.5g}")
            lines.append("\t".join(c.replace(".", decimal) for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sine_map(amplitude: float, nx: int = 64, ny: int = 48) -> np.ndarray:
    return np.tile(amplitude * np.sin(2 * np.pi * 4 * np.arange(nx) / nx), (ny, 1))


@pytest.mark.parametrize("decimal", [".", ","])
def test_gwyddion_xyz_export_is_read_in_the_units_its_header_states(tmp_path, decimal):
    """SurfaceTopography's xyz reader skips the ``#`` lines: a map exported in um and nm came
    out in metres (a 6.4 x 4.8 m scan of 25-m waves) with the note that the file gives no
    unit; with decimal commas it was refused."""
    from solidna.analysis.topography import level, read_topography, roughness

    p = tmp_path / "scan.xyz"
    _gwyddion_xyz(p, "Height", "\u00b5m", "nm", _sine_map(25.0), 0.1, decimal)
    t = read_topography(p)
    assert t.heights_m.shape == (48, 64)
    assert t.size_m == pytest.approx((6.4e-6, 4.8e-6), rel=1e-9)
    assert t.channel == "Height"
    assert not any("no unit" in n for n in t.notes)
    sq = roughness(level(t.heights_m, "none"))["Sq"]
    assert sq == pytest.approx(25e-9 / np.sqrt(2), rel=1e-4)  # %.5g rounding


def test_gwyddion_xyz_export_of_a_phase_channel_is_refused(tmp_path):
    """A phase channel (``# Value units: deg``) was read as heights in metres: a "roughness"
    of degrees."""
    from solidna.analysis.topography import read_topography
    from solidna.errors import DataFormatError

    p = tmp_path / "phase.xyz"
    _gwyddion_xyz(p, "Phase", "m", "deg", _sine_map(3.0), 1e-7)
    with pytest.raises(
        DataFormatError, match=r"no channel holds heights: 'Phase' \(values in 'deg'\)"
    ):
        read_topography(p)


def test_control_plain_xyz_without_header_keeps_the_metres_note(tmp_path):
    """SurfaceTopography's xyz-1.txt layout (MIT): no header, so the unit is assumed."""
    from solidna.analysis.topography import read_topography

    p = tmp_path / "plain.txt"
    rows = [f"{x} {y} {1 + (x == 1 and y in (1, 2))}" for x in range(4) for y in range(4)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    t = read_topography(p)
    assert t.heights_m.shape == (4, 4)
    assert any("no unit" in n for n in t.notes)


def test_control_segment_words_in_a_decimal_comma_table(tmp_path):
    """JPK's segment names (``extend``/``retract``) beside decimal commas: as many commas as
    tabs in a row, so the separator is chosen with the words read as afmformats' 0/1."""
    f = _force()
    rows = [
        f"{seg}\t" + f"{a * 1e9:.6f}".replace(".", ",") + "\t" + f"{b * 1e12:.6f}".replace(".", ",")
        for seg, z, ff in (("extend", TIP, f), ("retract", TIP[::-1], f[::-1]))
        for a, b in zip(z, ff, strict=True)
    ]
    p = tmp_path / "segments.txt"
    _write(p, "Segment\tHeight (nm)\tForce (pN)", rows)
    (c,) = read_force_curves(p)
    assert len(c.approach_force_N) == len(c.retract_force_N) == len(TIP)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)


def test_uneven_profile_roughness_is_surfacetopography_s():
    """An unevenly spaced profile (SurfaceTopography's ``nonuniform.asc`` layout, MIT): Rq, Rsk
    and Rku as ``NonuniformLineScan`` integrates them (the profile linear between points). The
    points' own values weighted by half their gaps gave Rq 0.66 % high on that file, and here
    (two sines sampled at 150 random positions) 2.2 % high."""
    from SurfaceTopography import NonuniformLineScan

    from solidna.analysis.topography import roughness

    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(0.0, 10e-6, 150))
    z = 20e-9 * np.sin(2 * np.pi * x / 2.5e-6) + 5e-9 * np.sin(2 * np.pi * x / 0.7e-6)
    got = roughness(z, x_m=x)
    line = NonuniformLineScan(x, z - NonuniformLineScan(x, z).mean())
    rq = line.rms_height_from_profile()
    assert got["Rq"] == pytest.approx(rq, rel=1e-9)
    assert got["Rsk"] == pytest.approx(line.moment(3) / rq**3, rel=1e-9)
    assert got["Rku"] == pytest.approx(line.moment(4) / rq**4, rel=1e-9)
    xf = np.linspace(x[0], x[-1], 2_000_001)
    zf = np.interp(xf, x, z)
    assert got["Ra"] == pytest.approx(np.mean(np.abs(zf - zf.mean())), rel=1e-4)
