"""Surface readers on a second round of files from other projects (the unseen-file review).

Each test builds a small synthetic file with the structure of a real export that was misread: a
CasaXPS "Export to ASCII" block with the fit beside the data and its settings in exponent form,
a Scienta SES ``.txt`` (INI-style sections, an axis named in the region header), and an AFM
Workshop force curve whose deflection is a photodetector voltage. The real files are not copied
(their licences vary).
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

runner = CliRunner()


def _peak(x: np.ndarray, centre: float, height: float = 5000.0, base: float = 1000.0):
    """A Gaussian peak (FWHM 2 eV) on a flat background."""
    return base + height * np.exp(-4 * np.log(2) * ((x - centre) / 2.0) ** 2)


# -- CasaXPS "Export to ASCII" -------------------------------------------------------------------
def test_casaxps_exponent_photon_energy_converts_a_kinetic_axis(tmp_path):
    # CasaXPS writes its settings in exponent form: "Characteristic Energy eV  1.486610e+003".
    # Cut at the "e", the photon energy read 1.48661 eV and every binding energy was negative.
    hv = 1486.61
    ke = np.arange(hv - 720.0, hv - 700.0, 0.1)
    f = tmp_path / "casa_ke.txt"
    head = [
        "Cycle 0:FeO:Fe2p",
        f"\tCharacteristic Energy eV\t{hv:.6e}\tAcquisition Time s\t2.000000e+000",
        "K.E.\tCPS",
    ]
    rows = [f"{k:.6e}\t{y:.6e}" for k, y in zip(ke, _peak(ke, hv - 709.0), strict=True)]
    f.write_text("\n".join(head + rows) + "\n")
    (s,) = read_xps(f)
    assert s.photon_energy_eV == pytest.approx(hv)
    assert s.binding_energy_eV.min() > 699.0
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(709.0, abs=0.05)
    assert s.label == "Fe2p"


def test_casaxps_fit_columns_beside_the_data_are_one_spectrum(tmp_path):
    # K.E. Counts <components> Background Envelope <empty> B.E. CPS <components> ... : the
    # components, background and envelope are CasaXPS's fit, Counts and CPS the same data.
    # Read column by column, the export gave 14 "spectra" and 14 fits.
    hv = 1486.61
    be = np.arange(750.0, 700.0, -0.5)
    counts = _peak(be, 709.0)
    comp = [_peak(be, c, 1000.0, 0.0) + 1000.0 for c in (709.0, 716.0, 722.1, 729.9)]
    names = "\t".join(["Fe 2p"] * 4)
    head = [
        "Cycle 0:FeO:Fe2p",
        f"\tCharacteristic Energy eV\t{hv:.6e}\tAcquisition Time s\t2.000000e+000",
        "Name\t\t" + names + "\t",
        "Position\t\t709.05\t716.00\t722.13\t729.89\t",
        f"K.E.\tCounts\t{names}\tBackground\tEnvelope\t\t"
        f"B.E.\tCPS\t{names}\tBackground CPS\tEnvelope CPS",
    ]
    rows = []
    for k, e in enumerate(be):
        fit = [c[k] for c in comp]
        left = [hv - e, counts[k], *fit, 1000.0, sum(fit) - 3000.0]
        right = [e, counts[k] / 2, *(v / 2 for v in fit), 500.0, (sum(fit) - 3000.0) / 2]
        rows.append(
            "\t".join(f"{v:.6e}" for v in left) + "\t\t" + "\t".join(f"{v:.6e}" for v in right)
        )
    f = tmp_path / "FeO_cols.txt"
    f.write_text("\n".join(head + rows) + "\n")
    (s,) = read_xps(f)
    assert s.label == "Fe2p"
    assert s.photon_energy_eV == pytest.approx(hv)
    assert s.binding_energy_eV[0] == pytest.approx(700.5)
    assert s.intensity_cps.max() == pytest.approx(counts.max() / 2, rel=1e-5)  # the CPS column
    assert s.metadata["intensity"] == "CPS"
    (note,) = [n for n in s.metadata["notes"] if "set aside" in n]
    assert "'Background'" in note and "'Envelope CPS'" in note and "'Counts'" in note


# -- Scienta SES .txt ----------------------------------------------------------------------------
def _scienta(regions: list[tuple[str, np.ndarray, np.ndarray]], hv: float) -> str:
    """A Scienta SES text export: [Info], then per region [Region n], [Info n], [Data n]."""
    out = ["[Info]", f"Number of Regions={len(regions):04d}", "Version=1.3.1", ""]
    for n, (name, be, y) in enumerate(regions, 1):
        out += [
            f"[Region {n}]",
            f"Region Name={name}",
            "Dimension 1 name=Binding Energy [eV]",
            f"Dimension 1 size={len(be)}",
            "Dimension 1 scale=" + " ".join(f"{e:g}" for e in be),
            "",
            f"[Info {n}]",
            f"Region Name={name}",
            "Pass Energy=50",
            f"Excitation Energy={hv:g}",
            "Energy Scale=Binding",
            "Energy Unit=Kinetic",
            f"File=Z:\\XPS_data\\2023\\KIT\\{name}_0001.txt,.pxt,.ibw",
            "Comments=;",
            f"[Run Mode Information {n}]",
            "",
            "",
            "",
            f"[Data {n}]",
        ]
        out += [f" {e:.14E}  {v:.14E}" for e, v in zip(be, y, strict=True)]
        out.append("")
    return "\r\n".join(out) + "\r\n"


def test_scienta_ses_txt_axis_name_and_regions(tmp_path):
    # the axis name came from the last header line: "[Data 1]", then the "File=...,.pxt,.ibw"
    # line (a key=value setting whose value holds commas)
    hv = 520.0
    be1 = np.arange(382.0, 363.99, -0.05)
    be2 = np.arange(295.0, 279.99, -0.05)
    f = tmp_path / "Ag_0001.txt"
    f.write_text(
        _scienta([("Ag3d", be1, _peak(be1, 368.2)), ("C1s", be2, _peak(be2, 284.8))], hv),
        newline="",
    )
    ag, c = read_xps(f)
    assert (ag.label, c.label) == ("Ag3d", "C1s")
    assert ag.metadata["energy axis"] == c.metadata["energy axis"] == "Binding Energy [eV]"
    assert ag.photon_energy_eV == hv
    assert ag.binding_energy_eV[np.argmax(ag.intensity_cps)] == pytest.approx(368.2, abs=0.03)
    assert c.binding_energy_eV[np.argmax(c.intensity_cps)] == pytest.approx(284.8, abs=0.03)
    assert len(ag.binding_energy_eV) == len(be1) and len(c.binding_energy_eV) == len(be2)


# -- AFM Workshop force curve in volts -----------------------------------------------------------
def _afm_workshop_volts(path, n: int = 200) -> None:
    """An AFM Workshop single force curve (File Format 3) with deflection in volts and no
    light-lever gain or force constant in the header."""
    head = [
        "Force-Distance Curve",
        "File Format:\t3",
        "",
        "Date:\tWednesday, August 1, 2018",
        "Time:\t1:06:09 PM",
        "Mode:\tSingle",
        "Point:\t1",
        "X, um:\t25.000000",
        "Y, um:\t25.000000",
        "",
        "Extend Z-Sense(nm),Extend T-B(V),Retract Z-Sense(nm),Retract T-B(V)",
    ]
    z = 13800.0 + 2.0 * np.arange(n)
    contact = z[n // 2]
    v = 0.7 + 0.002 * np.clip(z - contact, 0.0, None)
    rows = [f"{z[k]:.4f},{v[k]:.4f},{z[n - 1 - k]:.4f},{v[n - 1 - k]:.4f}" for k in range(n)]
    path.write_text("\r\n".join(head + rows) + "\r\n\r\n\r\n", newline="")


def test_afm_workshop_volts_without_calibration_names_the_format(tmp_path):
    pytest.importorskip("afmformats")
    from solidna.analysis.afm import read_force_curves

    f = tmp_path / "AFM-workshop_FD_single.csv"
    _afm_workshop_volts(f)
    with pytest.raises(DataFormatError) as err:
        read_force_curves(f)
    msg = str(err.value)
    # the message described an NT-MDT Nova .txt in nA (another format)
    assert "AFM Workshop" in msg and "m/V" in msg and "NT-MDT" not in msg
    (c,) = read_force_curves(f, sensitivity=50e-9, spring_constant_N_m=0.1)
    assert c.spring_constant_N_m == 0.1
    assert c.position_m == pytest.approx((25e-6, 25e-6))
    # force = voltage x sensitivity x spring constant
    assert c.approach_force_N.max() == pytest.approx(c.approach_force_N.min() + 0.002 * 198 * 5e-9)


def test_cli_error_names_the_file_once(tmp_path):
    pytest.importorskip("afmformats")
    f = tmp_path / "AFM-workshop_FD_single.csv"
    _afm_workshop_volts(f)
    result = runner.invoke(
        cli.app, ["analyze", str(f), "--kind", "afm-force", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert f"{f.name}: {f.name}" not in text and f"{f.name}: {f}" not in text
    assert "Traceback" not in result.output


def test_afm_calibration_options_are_read_and_passed_to_the_reader(monkeypatch, tmp_path):
    from solidna.analysis import afm, surface_pipeline
    from solidna.errors import InvalidOptionError

    opts = surface_pipeline.surface_options(
        "afm-force", spring_constant="0.1 N/m", sensitivity="50 nm/V"
    )
    assert opts["spring_constant_N_m"] == pytest.approx(0.1)
    assert opts["sensitivity"] == pytest.approx(50e-9)  # m/V
    nova = surface_pipeline.surface_options("afm-force", sensitivity="20 nm/nA")
    assert nova["sensitivity"] == pytest.approx(20.0)  # m/A
    for bad, words in (("50", "needs its unit"), ("50 nm", "per volt or per ampere")):
        with pytest.raises(InvalidOptionError, match=words):
            surface_pipeline.surface_options("afm-force", sensitivity=bad)
    with pytest.raises(InvalidOptionError, match="applies to"):
        surface_pipeline.surface_options("xps", spring_constant="0.1 N/m")
    seen = {}

    def fake(path, **kwargs):
        seen.update(kwargs)
        raise surface_pipeline.DataFormatError("stopped by the test")

    monkeypatch.setattr(afm, "read_force_curves", fake)
    curve = tmp_path / "curve.csv"
    curve.write_text("x\n")
    with pytest.raises(surface_pipeline.DataFormatError, match="stopped by the test"):
        surface_pipeline._afm_file(curve, "curve", None, opts, [], [], lambda *a: None)
    assert seen == {"sensitivity": pytest.approx(50e-9), "spring_constant_N_m": pytest.approx(0.1)}
