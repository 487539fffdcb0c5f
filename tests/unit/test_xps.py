"""XPS readers, line shapes, backgrounds, fits, species, quantification (issue 14).

Real files: ``../shared/data/xps`` (values from shared/data/README.md and the upstream tests).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.xps.fit import Peak, XPSFit, guess_peaks
from solidna.analysis.xps.io import read_phi_pro, read_vamas, read_xps
from solidna.analysis.xps.lineshapes import SHAPES, line_shape, shirley, tougaard
from solidna.analysis.xps.species import (
    assign,
    atomic_percent,
    charge_shift,
    depth_profile,
    level_of,
    rsf_table,
    species_table,
)
from solidna.errors import ConvergenceError, DataFormatError, InvalidOptionError

ROOT = Path(__file__).resolve().parents[2]
XPS, needs_data = shared_data("xps")
#: The upstream files print values with 6 significant digits.
FILE_RTOL = 1e-6


# -- readers ---------------------------------------------------------------------------------
@needs_data
def test_vamas_xps_eis_matches_upstream_tests():
    # matkrin/vamas tests/test_xps_eis.py: 4 blocks, PE 50/20, x_start 1506.7, steps, points,
    # y_min/y_max of blocks 0 and 3 (count rates: kept as they are)
    s = read_vamas(XPS / "xps_eis.vms")
    assert len(s) == 4
    assert [len(x.binding_energy_eV) for x in s] == [8201, 321, 941, 541]
    assert s[0].metadata["pass energy [eV]"] == 50 and s[3].metadata["pass energy [eV]"] == 20
    assert s[0].photon_energy_eV == 1486.7
    assert s[0].metadata["header"]["experiment_mode"] == "NORM"
    assert s[0].binding_energy_eV[0] == pytest.approx(-20.0)  # KE 1506.7 at hv 1486.7
    assert s[0].binding_energy_eV[-1] == pytest.approx(800.0)
    assert (s[0].intensity_cps.min(), s[0].intensity_cps.max()) == (2141, 84683)
    assert (s[3].intensity_cps.min(), s[3].intensity_cps.max()) == (7813, 12216)


@needs_data
def test_vamas_agrees_with_the_vamas_package_where_it_reads():
    vamas = pytest.importorskip("vamas")
    ours = read_vamas(XPS / "xps_eis.vms")
    theirs = vamas.Vamas(str(XPS / "xps_eis.vms")).blocks
    for a, b in zip(ours, theirs, strict=True):
        # the file's values in its own order; solidna reads this file's blocks reversed (their
        # survey runs opposite to the declared axis: tests/unit/test_vamas_orientation_s18.py)
        np.testing.assert_array_equal(a.intensity_cps[::-1], b.corresponding_variables[0].y_values)


@needs_data
def test_regular_counts_and_irregular_cps_are_the_same_spectrum():
    (reg,) = read_xps(XPS / "regular.vms")
    (irr,) = read_xps(XPS / "irregular.vms")
    assert reg.metadata["header"]["scan_mode"] == "REGULAR"
    assert irr.metadata["header"]["scan_mode"] == "IRREGULAR"
    assert len(reg.binding_energy_eV) == len(irr.binding_energy_eV) == 1351
    np.testing.assert_allclose(reg.binding_energy_eV, irr.binding_energy_eV, atol=1e-9)
    assert reg.binding_energy_eV[[0, -1]] == pytest.approx([0.0, 1350.0])
    # regular: counts in 0.1 s dwell -> 10x in counts per second; irregular: already cps
    assert reg.intensity_cps[-1] == pytest.approx(
        1559.87 * 10, rel=FILE_RTOL
    )  # KE 136.61 = BE 1350
    np.testing.assert_allclose(reg.intensity_cps, irr.intensity_cps, rtol=1e-5)


@needs_data
def test_kratos_and_multipak_vamas():
    s = read_xps(XPS / "0-150W.vms")  # Kratos: leading blank lines, 4 experimental variables
    assert [x.label for x in s] == ["wide", "Ni 2p", "O 1s", "C 1s", "W 4f"]
    assert [len(x.binding_energy_eV) for x in s] == [1206, 601, 251, 301, 251]
    assert s[3].binding_energy_eV[[0, -1]] == pytest.approx([270.0, 300.0])
    s = read_xps(XPS / "Mutlipak_vms.npl")  # PHI MultiPak: .npl, binding-energy axis, NUL pads
    assert [x.label for x in s] == ["C 1s", "O 1s", "S 2p", "N 1s", "Mo 3d"]
    assert [len(x.binding_energy_eV) for x in s] == [601, 601, 501, 401, 401]
    assert s[0].binding_energy_eV[[0, -1]] == pytest.approx([275.0, 305.0])


@needs_data
def test_phi_pro_depth_profile():
    s = read_phi_pro(XPS / "SnO2_10nm_1.pro")
    assert len(s) == 4 * 21  # 4 regions x 21 cycles (NoDPDataCyc 21)
    assert [x.label for x in s[:4]] == ["Su1s", "C1s", "Si2p", "Sn3d5"]
    assert [len(x.binding_energy_eV) for x in s[:4]] == [1751, 101, 101, 101]
    assert s[1].binding_energy_eV[[0, -1]] == pytest.approx([278.0, 298.0])
    assert [x.sputter_time_s for x in s[::4]][:3] == [0.0, 30.0, 60.0]
    assert s[-1].cycle == 21 and s[0].photon_energy_eV == 1486.6
    # sputtering removes the surface carbon first, then thins the SnO2 film over the Si substrate
    height = {
        lab: [np.ptp(x.intensity_cps) for x in s if x.label == lab]
        for lab in ("C1s", "Sn3d5", "Si2p")
    }
    assert height["C1s"][1] < 0.3 * height["C1s"][0]
    assert height["Sn3d5"][-1] < 0.5 * max(height["Sn3d5"])
    assert height["Si2p"][-1] > 5 * height["Si2p"][0]


@needs_data
def test_au4f_csv_kinetic_axis_and_doublet():
    (s,) = read_xps(XPS / "clean_Au_4f.csv")  # E_kin, hv=180 eV in the header
    assert len(s.binding_energy_eV) == 294
    assert s.photon_energy_eV == 180.0
    fit = XPSFit(
        [
            Peak(
                "Au 4f7/2",
                92.0,
                0.6,
                "voigt",
                0.5,
                fix_mixing=False,
                splitting_eV=-3.67,
                area_ratio=0.75,
            )
        ],
        "shirley",
    ).fit(s)
    assert fit.converged_
    # lmfitxps's Au 4f example starts the spin-orbit splitting at 3.67127 eV
    assert fit.table_["Position [eV]"].iloc[0] - fit.table_["Position [eV]"].iloc[1] == (
        pytest.approx(3.67, abs=0.02)
    )


def test_bad_files(tmp_path):
    empty = tmp_path / "empty.vms"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read_xps(empty)
    if XPS.is_dir():
        cut = tmp_path / "cut.vms"
        cut.write_bytes((XPS / "xps_eis.vms").read_bytes()[:5000])
        with pytest.raises(DataFormatError, match="truncated"):
            read_xps(cut)
        pro = tmp_path / "cut.pro"
        pro.write_bytes((XPS / "SnO2_10nm_1.pro").read_bytes()[:20000])
        with pytest.raises(DataFormatError, match="truncated|ends before"):
            read_xps(pro)
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n")
    with pytest.raises(DataFormatError, match="no numeric rows"):
        read_xps(junk)
    ke = tmp_path / "ke.csv"
    ke.write_text("K.E., counts\n" + "\n".join(f"{1200 + i * 0.1},{10 + i}" for i in range(50)))
    with pytest.raises(DataFormatError, match="photon energy"):
        read_xps(ke)
    assert read_xps(ke, photon_energy_eV=1486.6)[0].binding_energy_eV[-1] == pytest.approx(286.6)


def test_spectrum_with_no_counts_is_refused():
    be = np.linspace(280, 290, 101)
    with pytest.raises(DataFormatError, match="no counts"):
        XPSFit([Peak("C", 285.0)]).fit(be, np.zeros_like(be))


# -- line shapes and backgrounds --------------------------------------------------------------
#: Half-maximum points are found on a 1 meV grid (+-1 meV each) and the Voigt width uses the
#: Olivero & Longbothum (1977) approximation (0.02 %).
FWHM_ATOL_EV = 3e-3


@pytest.mark.parametrize("shape", ["gl_sum", "gl_product", "pseudo_voigt", "voigt"])
def test_line_shapes_have_unit_area_and_the_given_fwhm(shape):
    x = np.linspace(-400, 400, 800_001)
    y = line_shape(shape, x, 1.0, 0.0, 1.2, 0.3)
    # the Lorentzian tails beyond +-400 FWHM hold ~0.3 * 2/pi / (400/0.6) of the area
    assert np.trapezoid(y, x) == pytest.approx(1.0, abs=1e-3)
    half = x[y >= y.max() / 2]
    if shape != "gl_product":  # the GL product's "FWHM" parameter is not its width (CasaXPS GL)
        assert half[-1] - half[0] == pytest.approx(1.2, abs=FWHM_ATOL_EV)


def test_doniach_sunjic_tails_to_higher_binding_energy():
    x = np.linspace(80, 90, 2001)
    y = line_shape("doniach_sunjic", x, 1.0, 84.0, 0.5, 0.15)
    i = int(np.argmax(y))
    assert y[i + 200] > y[i - 200]
    assert set(SHAPES) == {"gl_sum", "gl_product", "pseudo_voigt", "voigt", "doniach_sunjic"}
    with pytest.raises(InvalidOptionError, match="line shape"):
        line_shape("lorentz", x, 1, 84, 1, 0)


def test_shirley_of_a_pure_step_and_failure():
    x = np.linspace(0, 10, 201)
    peak = line_shape("gl_sum", x, 10.0, 5.0, 0.8, 0.0)
    cum = np.concatenate([[0], np.cumsum(0.5 * (peak[1:] + peak[:-1]) * np.diff(x))])
    y = 100 + peak + 0.5 * cum
    bg = shirley(x, y, edge_points=1)
    np.testing.assert_allclose(bg, 100 + 0.5 * cum, atol=1e-6 * 105)
    with pytest.raises(ConvergenceError, match="did not converge"):
        shirley(x, y, max_iter=1)
    # a region on another line's tail (high-BE end clearly lower): no Shirley step, said so
    with pytest.raises(ConvergenceError, match="does not apply"):
        shirley(x, y[::-1] + 50 * (x[::-1] - x[0]) / 10)
    t = tougaard(x, y, kind="U2")
    assert t[0] == pytest.approx(y[0]) and t[-5:].mean() == pytest.approx(y[-5:].mean())


# -- fits -------------------------------------------------------------------------------------
def test_fit_options_are_checked():
    with pytest.raises(InvalidOptionError, match="background"):
        XPSFit([Peak("a", 285)], background="spline")
    with pytest.raises(InvalidOptionError, match="not a peak"):
        XPSFit([Peak("a", 285, fwhm_like="b")])
    with pytest.raises(InvalidOptionError, match="outside the region"):
        XPSFit([Peak("a", 300)]).fit(np.linspace(280, 290, 50), np.ones(50))


def test_shared_fwhm_and_position_constraints():
    x = np.linspace(280, 295, 301)
    y = (
        50
        + line_shape("gl_sum", x, 1000, 285, 1.2, 0.3)
        + line_shape("gl_sum", x, 500, 288.5, 1.2, 0.3)
    )
    fit = XPSFit(
        [
            Peak("a", 285.3),
            Peak("b", 288.0, fwhm_like="a", position_from="a", position_offset_eV=3.5),
        ],
        "linear",
    ).fit(x, y)
    t = fit.table_.set_index("Name")
    assert t.loc["a", "FWHM [eV]"] == t.loc["b", "FWHM [eV]"]
    assert t.loc["b", "Position [eV]"] - t.loc["a", "Position [eV]"] == pytest.approx(3.5)


def test_guess_peaks_finds_separated_maxima():
    x = np.linspace(280, 295, 301)
    y = (
        20
        + line_shape("gl_sum", x, 800, 284.8, 1.1, 0.3)
        + line_shape("gl_sum", x, 400, 289.0, 1.1, 0.3)
    )
    peaks = guess_peaks(x, y)
    assert [round(p.center_eV) for p in peaks] == [285, 289]


# -- species and quantification ----------------------------------------------------------------
def test_species_table_has_sources_and_assigns_the_paper_states():
    table = species_table()
    assert all(s.source and s.method in ("literature", "estimated") for s in table)
    assert assign(684.1, "F 1s")[0][0].name == "NaF"
    assert assign(291.3, "C 1s")[0][0].name == "CF2"
    # C-O and nitrile overlap near 286.5 eV: both are reported
    names = {s.name for s, _ in assign(286.5, "C 1s")}
    assert {"C-O", "C#N (nitrile)"} <= names
    assert assign(250.0, "C 1s") == []
    assert level_of("C1s") == "C 1s" and level_of("Sn3d5") == "Sn 3d5/2"
    assert level_of("block 2", np.linspace(280, 295, 10)) == "C 1s"


def test_charge_shift():
    assert charge_shift([282.3, 284.0, 287.1]) == pytest.approx(2.5)
    assert charge_shift([284.0], reference_eV=284.5) == pytest.approx(0.5)
    # a weak low component (noise, carbide) is not the reference line
    assert charge_shift([281.0, 284.0], areas=[10, 1000]) == pytest.approx(0.8)
    with pytest.raises(DataFormatError, match="C 1s"):
        charge_shift([])
    with pytest.raises(DataFormatError, match="more than"):
        charge_shift([270.0])


def test_atomic_percent_and_depth_profile():
    rsf = rsf_table()
    areas = {"C 1s": 1.0 * rsf["C 1s"], "F 1s": 3.0 * rsf["F 1s"]}
    at = atomic_percent(areas)
    assert at["C 1s"] == pytest.approx(25.0) and at["F 1s"] == pytest.approx(75.0)
    assert atomic_percent({"C 1s": 1, "X 9z": 1}, rsf={"X 9z": 1.0})["X 9z"] == 50
    with pytest.raises(InvalidOptionError, match="sensitivity"):
        atomic_percent({"Zz 1s": 1.0})
    rows = [
        {"cycle": c, "level": lev, "species": sp, "area": a * rsf[lev]}
        for c, parts in (
            (1, [("C 1s", "C-C", 3), ("F 1s", "NaF", 1)]),
            (2, [("C 1s", "C-C", 1), ("F 1s", "NaF", 3)]),
        )
        for lev, sp, a in parts
    ]
    prof = depth_profile(rows)
    assert prof.loc[1, "F 1s [at.%]"] == pytest.approx(25.0)
    assert prof.loc[2, "F 1s: NaF [at.%]"] == pytest.approx(75.0)
    assert math.isclose(prof.loc[2, "C 1s [at.%]"] + prof.loc[2, "F 1s [at.%]"], 100.0)


def test_every_species_and_rsf_source_is_in_references_bib():
    import re
    import tomllib

    bib = (ROOT / "src" / "solidna" / "parameters" / "references.bib").read_text()
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    here = ROOT / "src" / "solidna" / "analysis" / "xps"
    sources = {s.source for s in species_table()}
    sources.add(tomllib.loads((here / "rsf.toml").read_text())["source"])
    assert sources <= keys, f"missing from references.bib: {sorted(sources - keys)}"


def test_casaxps_style_export(tmp_path):
    # CasaXPS "Export to ASCII (rows)": a header block, then K.E., B.E., Counts, CPS and
    # component columns; the B.E. column is the axis and no energy column is a spectrum
    be = np.linspace(295.0, 280.0, 151)
    counts = 100 + line_shape("gl_sum", be, 500, 284.8, 1.2, 0.3)
    lines = [
        "Characteristic Energy eV\t1486.6",
        "Acquisition Time s\t0.1",
        "",
        "K.E.\tB.E.\tCounts\tCPS\tC-C",
    ]
    lines += [
        f"{1486.6 - e:.3f}\t{e:.3f}\t{c:.3f}\t{10 * c:.3f}\t{c - 100:.3f}"
        for e, c in zip(be, counts, strict=True)
    ]
    f = tmp_path / "casa.txt"
    f.write_text("\n".join(lines))
    # one spectrum: Counts and CPS are the same data, C-C is CasaXPS's fitted component (a model
    # curve, not a spectrum: analysing it beside the data gave one fit per component). The
    # count rate is kept, as intensities are counts per second.
    (spectrum,) = read_xps(f)
    assert spectrum.label == "casa"
    assert spectrum.binding_energy_eV[0] == pytest.approx(280.0)
    assert spectrum.intensity_cps.max() == pytest.approx(10 * counts.max(), rel=1e-6)
    assert any("'C-C'" in n and "set aside" in n for n in spectrum.metadata["notes"])
