"""Defects found by reading real public XPS files (session 18, second surface pass).

Every file here is a synthetic twin written by the test; no third-party file is copied. Each
test names the public file whose layout it follows and that file's licence.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.xps.io import read_xps

# --------------------------------------------------------------------------------------------
# NIMS' "Multipak Exporter" text of a PHI spectrum
# --------------------------------------------------------------------------------------------
_MPEXPORT_HEADER = [
    "//----------------------------------------",
    "//Multipak Exporter  1.2.5",
    "//Load file from ..\\source\\test.spe",
    "//----------------------------------------",
    "//----------------------------------------",
    "//HEADER INFORMATION",
    "Platform:PC",
    "Technique:XPS",
    "FileType:SPECTRUM",
    "InstrumentModel:PHI Quantera SXM",
    "AnalyserWorkFcn:4.250 eV",
    "SpectralRegDef:1 1 Su1s 111 2801 -0.5000 1380.0000 -20.0000 1379.0000 -19.0000 0.25 280 AREA",
    "XraySource:Al 1486.6 mono",
    "",
    "",
    "//Area Comment,RegionNo,AtomicName,Area No,XLabel,YLabel,DataCount",
]


def _region(no: int, name: str, be: np.ndarray, cps: np.ndarray, count: int | None = None):
    """One region's record: its seven values one a line, then ``BE<TAB>cps`` rows."""
    return [
        "#3 Cu foil",
        str(no),
        name,
        "1",
        "Binding Energy(eV),reverse",
        "Intensity(cps)",
        str(len(be) if count is None else count),
        *(f"{e:.4f}\t{c:.4f}" for e, c in zip(be, cps, strict=True)),
    ]


def _mpexport(path, regions) -> None:
    """A text file in the layout of nims-dpfc/M-DaC_XPS' PHI_XPS_survey_narrow_tools/
    XPS_PHI_QUANTERA_survey.txt (MIT; a PHI Quantera SXM survey of Cu foil converted from
    ``.spe`` by NIMS' Multipak Exporter 1.2.5): ``Key:value`` settings, the legend line, and per
    region Area Comment, RegionNo, AtomicName, Area No, XLabel, YLabel and DataCount one a line
    over the ``binding energy<TAB>count rate`` rows, high energy first, CRLF line ends."""
    lines = list(_MPEXPORT_HEADER)
    for r in regions:
        lines += _region(*r)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


BE_SURVEY = np.arange(1380.0, 1368.0, -0.5)  # 24 points, high energy first, as exported
CPS_SURVEY = 333762.75 - 4000.0 * np.arange(BE_SURVEY.size)
BE_C1S = np.arange(295.0, 280.0, -0.1)
CPS_C1S = 1000.0 + 5000.0 * np.exp(-(((BE_C1S - 284.8) / 0.6) ** 2))


def test_multipak_exporter_text_is_read_as_its_regions(tmp_path):
    """The point count (DataCount) alone on the line above the rows made the table's first row
    one number: the file was refused as 'rows hold one number each'."""
    p = tmp_path / "XPS_PHI_QUANTERA_survey.txt"
    _mpexport(p, [(1, "Survey", BE_SURVEY, CPS_SURVEY), (2, "C1s", BE_C1S, CPS_C1S)])
    spectra = read_xps(p)
    assert [s.label for s in spectra] == ["Survey", "C1s"]
    survey, c1s = spectra
    np.testing.assert_allclose(survey.binding_energy_eV, BE_SURVEY[::-1])
    np.testing.assert_allclose(survey.intensity_cps, CPS_SURVEY[::-1])
    assert survey.intensity_unit == "counts.s-1"
    assert c1s.binding_energy_eV[np.argmax(c1s.intensity_cps)] == pytest.approx(284.8, abs=0.05)
    for s in spectra:
        notes = " ".join(s.metadata["notes"])
        # the axis is named (XLabel): nothing assumed; RegionNo / Area No are no stray rows
        assert "assumed" not in notes
        assert "not a spectrum" not in notes


def test_multipak_exporter_region_shorter_than_its_count_says_so(tmp_path):
    p = tmp_path / "cut.txt"
    _mpexport(p, [(1, "Survey", BE_SURVEY, CPS_SURVEY, 2801)])
    (s,) = read_xps(p)
    assert s.binding_energy_eV.size == BE_SURVEY.size
    assert any("2801" in n and "cut short" in n for n in s.metadata["notes"])


def test_a_count_line_above_a_plain_two_column_table_heads_it(tmp_path):
    """The rule is the layout's, not the exporter's: a whole number alone above rows of energy
    and intensity is their count, in any text file."""
    p = tmp_path / "plain.txt"
    rows = [f"{e:.2f} {c:.1f}" for e, c in zip(BE_C1S, CPS_C1S, strict=True)]
    p.write_text("Binding Energy (eV)  Intensity (cps)\n" + f"{len(rows)}\n" + "\n".join(rows))
    (s,) = read_xps(p)
    assert s.binding_energy_eV.size == BE_C1S.size
    assert s.binding_energy_eV.min() == pytest.approx(BE_C1S.min())


def test_control_single_numbers_per_line_are_still_refused(tmp_path):
    """A list of counts with its axis only in a header line (Omicron Presenter SPECTRA) is
    still refused: there are no energy columns to read."""
    from solidna.errors import DataFormatError

    p = tmp_path / "spectra.1"
    p.write_text("1100 0 -0.5 1 0.1 2201 20\n" + "\n".join(str(100 + k) for k in range(50)))
    with pytest.raises(DataFormatError, match="one number each"):
        read_xps(p)


# --------------------------------------------------------------------------------------------
# Scienta Omicron VAMAS (NORM, count rate in c/s, kinetic axis): reads as upstream states
# --------------------------------------------------------------------------------------------
def _scienta_vamas(path, blocks) -> None:
    """VAMAS in the layout of nims-mdpf/RDE_XPS' container/tests/scienta_omicron/files/XPS.vms
    and Si_SR.vms (MIT; a Scienta Omicron export: empty institution lines, ``Experiment Type:
    XPS``, NORM REGULAR, ``kinetic energy``/``count rate`` in ``c/s``, ``1E37`` for unknowns,
    CRLF).
    ``blocks`` are (photon energy [eV], KE start [eV], step [eV], dwell [s], scans, values)."""
    head = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 2008 May 4"]
    head += ["", "", "", "", "1", "Experiment Type: XPS", "NORM", "REGULAR", str(len(blocks))]
    head += ["0", "0", "0", "0", "0", str(len(blocks))]
    for hv, start, step, dwell, scans, values in blocks:
        head += ["", "", "2008", "4", "11", "16", "12", "29", "0", "0", "XPS", ""]
        head += [f"{hv}", "300.0", "1E37", "1E37", "1E37", "1E37", "FAT", "5.00", "5.0", "4.500"]
        head += ["1E37", "2400", "1200", "1E37", "1E37", "", "", "-1", "kinetic energy", "eV"]
        head += [f"{start}", f"{step}", "1", "count rate", "c/s", "pulse counting", f"{dwell}"]
        head += [f"{scans}", "70E-9", "1E37", "1E37", "1E37", "0", str(len(values))]
        head += [str(min(values)), str(max(values)), *map(str, values)]
    head.append("end of experiment")
    path.write_bytes(("\r\n".join(head) + "\r\n").encode("ascii"))


def test_control_scienta_omicron_vamas_reads_as_its_upstream_test_states(tmp_path):
    """RDE_XPS' test_inputfile_handler.py (its tests) reads XPS.vms as kinetic energies 192.0,
    192.1, ... 192.9 eV with 60107, 60592, ... 60424 c/s at Mg K-alpha (1253.6 eV)."""
    values = [60107, 60592, 60340, 60581, 60892, 60560, 59975, 60153, 60551, 60424]
    p = tmp_path / "XPS.vms"
    _scienta_vamas(p, [(1253.6, 192.0, 0.1, 0.1, 1, values)])
    (s,) = read_xps(p)
    ke = 1253.6 - s.binding_energy_eV
    np.testing.assert_allclose(ke[::-1], 192.0 + 0.1 * np.arange(10), atol=1e-9)
    np.testing.assert_allclose(s.intensity_cps[::-1], values)  # a rate: not divided again
    assert s.photon_energy_eV == pytest.approx(1253.6)


# --------------------------------------------------------------------------------------------
# Kratos ESCApe VAMAS: an angle-resolved series, and a survey past the Fermi level
# --------------------------------------------------------------------------------------------
HV_AL = 1486.69  # the files' source energy [eV]


def _kratos_block(name, species, trans, exp_values, ke0, step, counts, xy=True) -> list[str]:
    """One block as Kratos ESCApe writes it in cheminfo/vamas' src/parser/__tests__/data/
    ARXPS.vms and survey.vms (MIT): a block comment, ``XPS``, the map's x and y (``xy``: MAP
    mode only), the experimental variables, ``Al``, 1486.69 eV, ``Kinetic Energy`` and two
    corresponding variables, ``Intensity`` and ``Transmission``, interleaved."""
    lines = [name, "Al_foil_insulated", "2020", "2", "6", "1", "20", "30", "1", "1"]
    lines += ["Tilt : 0.00", "XPS", *(["0", "0"] if xy else []), *exp_values]
    lines += ["Al", f"{HV_AL}", "100"]
    lines += (
        ["0"] * (6 if xy else 4) + ["FAT", "160", "0", "-4.5"] + ["0"] * 5 + [species, trans, "0"]
    )
    lines += ["Kinetic Energy", "eV", f"{ke0}", f"{step}", "2", "Intensity", "d"]
    lines += ["Transmission", "d", "pulse counting", "0.298507004976273", "1"]
    lines += ["0"] * 5 + [str(2 * len(counts)), "0", "0", "0", "0"]
    for c in counts:
        lines += [str(int(c)), "0.695"]
    return lines


def _kratos_file(path, mode: str, exp_vars: list[str], blocks: list[list[str]]) -> None:
    head = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4"]
    head += ["", "Kratos Axis", "", "", "0", mode, "REGULAR", "1"]
    head += ["0", "0", "0"] if mode == "MAP" else []
    head += [str(len(exp_vars) // 2), *exp_vars, "0", "0", "0", "0", str(len(blocks))]
    lines = head + [line for b in blocks for line in b] + ["end of experiment"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def _peak(ke0: float, be0: float, amp: float, n: int = 201) -> np.ndarray:
    be = HV_AL - (ke0 + 0.1 * np.arange(n))
    return np.round(800 + amp * np.exp(-(((be - be0) / 0.7) ** 2)))


ARXPS_VARS = ["Angle", "degree", "PositionX [mm]", "n", "PositionY [mm]", "n"]


def test_angle_resolved_blocks_are_labelled_by_their_angle(tmp_path):
    """ARXPS.vms repeats O 1s, C 1s and Al 2p at each take-off angle (``Angle`` 0 ... 70
    degree): every block came back as 'O 1s', 'C 1s', 'Al 2p', the angle lost (the report
    named them 'O 1s', 'O 1s_2', ...)."""
    blocks = []
    for angle in ("0", "70"):
        pos = [angle, "55.0755", "11.8598125"]
        blocks.append(_kratos_block("O 1s", "O", "1s", pos, 943.69, 0.1, _peak(943.69, 532, 9e3)))
        blocks.append(_kratos_block("C 1s", "C", "1s", pos, 1191.69, 0.1, _peak(1191.69, 285, 2e3)))
    p = tmp_path / "ARXPS.vms"
    _kratos_file(p, "MAP", ARXPS_VARS, blocks)
    spectra = read_xps(p)
    assert [s.label for s in spectra] == [
        "O 1s (Angle 0 degree)",
        "C 1s (Angle 0 degree)",
        "O 1s (Angle 70 degree)",
        "C 1s (Angle 70 degree)",
    ]
    assert spectra[2].metadata["series"] == {"Angle": "70"}
    assert any("2 times" in n for n in spectra[0].metadata["notes"])
    o1s = spectra[0]
    assert o1s.binding_energy_eV[np.argmax(o1s.intensity_cps)] == pytest.approx(532.0, abs=0.05)


def test_control_blocks_of_one_region_that_differ_in_nothing_keep_their_label(tmp_path):
    pos = ["0", "55.0755", "11.8598125"]
    counts = _peak(943.69, 532, 9e3)
    blocks = [_kratos_block("O 1s", "O", "1s", pos, 943.69, 0.1, counts) for _ in range(2)]
    p = tmp_path / "repeat.vms"
    _kratos_file(p, "MAP", ARXPS_VARS, blocks)
    assert [s.label for s in read_xps(p)] == ["O 1s", "O 1s"]


def test_control_a_kratos_survey_past_the_fermi_level_is_not_reversed(tmp_path):
    """survey.vms (Al foil, 286.69 ... 1491.69 eV kinetic in 1 eV steps, 1206 points) ends 5 eV
    above the Fermi level with 1-4 counts: its rate above the Fermi level is 0.006 times its
    floor as written (34.7 times reversed), so it is read as written; O 1s at 532 eV, C 1s at
    286 eV and Al 2p at 75 eV, where an oxidised Al foil has them."""
    ke = 286.69 + np.arange(1206.0)
    be = HV_AL - ke
    counts = 600 + 30 * np.clip(be, 0, None)  # the inelastic background rises with BE
    for be0, amp in ((532.0, 8e4), (286.0, 1.5e4), (75.0, 1e4), (120.0, 1.5e4)):
        counts += amp * np.exp(-(((be - be0) / 1.2) ** 2))
    counts[be < 0] = np.array([27, 3, 1, 4, 1])  # past the Fermi edge: the floor
    where = ["1", "33.0", "11.8", "-0.19"]
    block = _kratos_block("wide", "wide", "", where, 286.69, 1, counts, xy=False)
    p = tmp_path / "survey.vms"
    _kratos_file(p, "NORM", ["Index", "d", *ARXPS_VARS[2:], "PositionZ [mm]", "n"], [block])
    (s,) = read_xps(p)
    assert not any("reversed" in n for n in s.metadata.get("notes", []))
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(532.0)


# --------------------------------------------------------------------------------------------
# a stylus profilometer's text export whose encoder did not move
# --------------------------------------------------------------------------------------------
def test_profile_whose_lateral_column_never_changes_says_so(tmp_path):
    """The layout jonathan-bender/scaling-octo-telegram's README documents for a stylus
    profilometer (no licence stated: layout only): ``Counter<TAB>Altitude (µm)<TAB>Encoder1
    (µm)<TAB>Encoder2 (µm)<TAB>Row number``, its example rows holding Encoder1 = -1.4 µm
    throughout (its MATLAB script takes the positions as counter times the ``X step distance``
    of a separate parameters file). Refused before as 'do not run one way ... several scans in
    one table', which it is not."""
    from solidna.analysis.topography import read_topography
    from solidna.errors import DataFormatError

    rows = [f"{k}\t{623.38 + 0.01 * np.sin(k / 5):.4f}\t-1.4\t0\t1" for k in range(37, 137)]
    p = tmp_path / "reading.txt"
    head = "Counter\tAltitude (\u00b5m)\tEncoder1 (\u00b5m)\tEncoder2 (\u00b5m)\tRow number"
    p.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="holds one value .* for all 100 points"):
        read_topography(p)
