"""XPS exports of instruments not seen before: Omicron EIS text, SPECS Prodigy channel data and
fixed-energy regions, and native binary files refused with the export to make.

Every file here is a synthetic twin written by the test, with invented values:

- Omicron EIS "Export to text" (a row of names ``Region Enabled DataFlag Start End Step Sweeps
  Dwell ... Notes ... Sweeps-Acquired`` over each region's values, a ``Layer ...`` row pair, then
  ``Energy Counts``): the layout of gxps' test fixtures ``TiO2-110-f.txt`` and
  ``contains_layer_zeros.txt`` (schachmett/gxps, GPL-3.0: layout only, no text copied).
- SPECS Prodigy ``.xy`` with "Separate Channel Data: yes" and a region of scan mode
  ``FixedEnergies`` (``ColumnLabels: index counts/s``): the layout of pynxtools-xps'
  ``examples/specs/xy/MgFe2O4_with_channel_data.xy`` (FAIRmat-NFDI/pynxtools-xps, Apache-2.0).
- The starts of an SQLite database (SPECS Prodigy ``.sle``), a SpecsLab 2 XML file, and the
  extensions of Igor ``.ibw`` (Scienta SES) and Thermo Avantage ``.vgd`` files (pynxtools-xps
  tests/data, Apache-2.0).
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

_EIS_REGION = (
    "Region\tEnabled\tDataFlag\tStart\tEnd\tStep\tSweeps\tDwell\tMode\tCAE/CRR\tMag\t"
    "Divide by Ten\tNotes\tFunction\tLine-Style\tPoint-Style\tSweeps-Acquired"
)
_EIS_LAYER = "Layer\tEnabled\tDataFlag\tNotes\tFormula\tLine-Style\tPoint-Style"


def _eis_region(number, flag, start, step, n, sweeps, dwell, notes, acquired, counts):
    """One EIS region: its settings row, layer 1 (the channel sum) and the table."""
    lines = [
        _EIS_REGION,
        f"{number}\ttrue\t{flag}\t{start}\t{start + step * (n - 1)}\t{step}\t{sweeps}\t{dwell}\t"
        f"CAE\t20.00\tHigh\tfalse\t{notes}\t5 Channel Acquisition\t\t\t{acquired}",
        _EIS_LAYER,
        "1\tTrue\t\tCh(1)+Ch(2)+Ch(3)+Ch(4)+Ch(5)\t\t",
        "Energy\tCounts",
    ]
    lines += [f"{start + step * k:.2f}\t{c:.0f}" for k, c in enumerate(counts)]
    return lines


def _eis_layer_off(number, start, step, n):
    """A further layer of the region, switched off: EIS writes its energies with zeros (and
    drops the empty cells at the end of the row)."""
    return [_EIS_LAYER, f"{number}\tFalse\t\t0)", "Energy\tCounts"] + [
        f"{start + step * k:.2f}\t0" for k in range(n)
    ]


def _peak(n, height, base):
    x = np.linspace(-3, 3, n)
    return base + height * np.exp(-(x**2))


def _eis_file(tmp_path):
    survey = _peak(41, 2000.0, 400.0)
    c1s = _peak(41, 9000.0, 3000.0)
    lines = _eis_region(1, "Original", 600.0, -10.0, 41, 2, 0.1, "survey", 2, survey)
    lines += _eis_region(2, "Original", 295.0, -0.25, 41, 30, 0.2, "C1s", 30, c1s)
    lines += _eis_layer_off(2, 295.0, -0.25, 41)
    lines += _eis_region(3, "Empty", 540.0, -0.25, 41, 30, 0.2, "O1s", 1, np.zeros(41))
    path = tmp_path / "eis_export.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, survey, c1s


def test_eis_each_region_is_scaled_by_its_own_sweeps_and_dwell(tmp_path):
    """The settings row nearest to a table is its region's: before, the first region's sweeps
    (2) were used for every region, and the 30-sweep C1s region came out 15 times too intense
    in counts per second."""
    path, survey, c1s = _eis_file(tmp_path)
    spectra = read_xps(path)
    by_label = {s.label: s for s in spectra}
    s_survey, s_c1s = by_label["survey"], by_label["C1s"]
    assert s_survey.intensity_unit == s_c1s.intensity_unit == "counts.s-1"
    np.testing.assert_allclose(s_survey.intensity_cps[::-1], np.round(survey) / (0.1 * 2))
    np.testing.assert_allclose(s_c1s.intensity_cps[::-1], np.round(c1s) / (0.2 * 30))


def test_eis_regions_are_named_by_their_notes_and_switched_off_layers_are_set_aside(tmp_path):
    """EIS names each region in its "Notes" cell; a layer switched off and a region flagged
    Empty are zeros, not spectra. Before: three spectra more (all zero), and every one labelled
    by the file's name."""
    path, _, _ = _eis_file(tmp_path)
    spectra = read_xps(path)
    assert [s.label for s in spectra] == ["survey", "C1s"]
    assert all(s.has_counts for s in spectra)
    notes = " ".join(spectra[0].metadata["notes"])
    assert "layer 2) is a layer switched off" in notes
    assert "region 3, O1s) is flagged Empty" in notes


def test_eis_file_with_only_switched_off_data_is_refused_with_the_reason(tmp_path):
    lines = _eis_region(1, "Empty", 295.0, -0.25, 11, 10, 0.2, "C1s", 1, np.zeros(11))
    path = tmp_path / "empty.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFormatError, match="flagged Empty"):
        read_xps(path)


def _prodigy_header():
    return [
        "# Created by:        SpecsLab Prodigy, Version 4.100.1-r111001",
        "#",
        "# XY-Serializer Export Settings:",
        "#   Comment Prefix:           #",
        "#   Energy Axis:              Binding Energy",
        "#   Count Rate:               Counts per Second",
        "#   Separate Scan Data:       yes",
        "#   Separate Channel Data:    yes",
        "#",
    ]


def _prodigy_region(name, mode, first_column, x, channels, dwell=0.1):
    lines = [
        f"# Region:                       {name}",
        f"# Scan Mode:                    {mode}",
        f"# Values/Curve:                 {len(x)}",
        f"# Dwell Time:                   {dwell}",
        "# Excitation Energy:            1486.61",
        "# Pass Energy:                  50",
        "",
        "# Cycle: 0",
        "#",
        "# Number of Scans: 1",
        "",
    ]
    for k, y in enumerate(channels):
        lines += [
            f"# Cycle: 0, Curve: 0, Scan: 0, Channel: {k}",
            "#",
            f"# ColumnLabels:                 {first_column} counts/s",
            "#",
        ]
        lines += [f"{xi:g}  {yi:.3f}" for xi, yi in zip(x, y, strict=True)]
        lines.append("")
    return lines


def test_prodigy_separate_channel_data_is_summed_per_scan(tmp_path):
    """Each detector channel of a scan is its own table: before, a 3-channel C 1s region came
    back as 3 spectra of a third of the signal each; now as one, the channels summed."""
    x = np.arange(296.0, 279.9, -0.5)
    channels = [_peak(len(x), h, b) for h, b in ((900.0, 200.0), (1200.0, 260.0), (700.0, 150.0))]
    lines = _prodigy_header() + _prodigy_region(
        "C1s", "FixedAnalyzerTransmission", "energy", x, channels
    )
    path = tmp_path / "channels.xy"
    path.write_text("\n".join(lines) + "\n")
    (s,) = read_xps(path)
    assert s.label == "C1s"
    np.testing.assert_allclose(s.binding_energy_eV, x[::-1])
    total = np.sum(np.round(channels, 3), axis=0)  # the file holds each channel to 3 decimals
    np.testing.assert_allclose(s.intensity_cps, total[::-1], rtol=1e-6)
    assert s.metadata["detector channels"] == 3
    assert any("3 detector channels" in n for n in s.metadata["notes"])


def test_prodigy_channels_of_two_regions_are_not_mixed(tmp_path):
    x1 = np.arange(296.0, 279.9, -0.5)
    x2 = np.arange(540.0, 524.9, -0.5)
    lines = _prodigy_header()
    lines += _prodigy_region(
        "C1s", "FixedAnalyzerTransmission", "energy", x1, [_peak(len(x1), 500, 100)] * 2
    )
    lines += _prodigy_region(
        "O1s", "FixedAnalyzerTransmission", "energy", x2, [_peak(len(x2), 800, 90)] * 2
    )
    path = tmp_path / "two.xy"
    path.write_text("\n".join(lines) + "\n")
    spectra = read_xps(path)
    assert [s.label for s in spectra] == ["C1s", "O1s"]
    assert [s.metadata["detector channels"] for s in spectra] == [2, 2]


def test_prodigy_fixed_energies_region_is_not_read_as_a_spectrum(tmp_path):
    """An alignment region at fixed analyser energy is counts against a point index: before, it
    was read as a "survey" from 0 to 29 eV of binding energy beside the real regions."""
    index = np.arange(30.0)
    x = np.arange(296.0, 279.9, -0.5)
    lines = _prodigy_header()
    lines += _prodigy_region("Align", "FixedEnergies", "index", index, [np.full(30, 5000.0)])
    lines += _prodigy_region(
        "C1s", "FixedAnalyzerTransmission", "energy", x, [_peak(len(x), 900, 200)]
    )
    path = tmp_path / "align.xy"
    path.write_text("\n".join(lines) + "\n")
    spectra = read_xps(path)
    assert [s.label for s in spectra] == ["C1s"]
    notes = " ".join(spectra[0].metadata["notes"])
    assert "not an energy (scan mode FixedEnergies" in notes

    only = tmp_path / "only_align.xy"
    only.write_text(
        "\n".join(
            _prodigy_header()
            + _prodigy_region("Align", "FixedEnergies", "index", index, [np.full(30, 5.0)])
        )
        + "\n"
    )
    with pytest.raises(DataFormatError, match="no table of the file is a measured energy spectrum"):
        read_xps(only)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("run.sle", b"SQLite format 3\x00" + bytes(200), "SpecsLab Prodigy .sle"),
        (
            "run.xml",
            b'<?xml version="1.0"?>\n<!-- CORBA XML document created by XMLSerializer2 -->\n'
            + b"<any><sequence>1\n2\n3\n4\n</sequence></any>\n",
            "XML document",
        ),
        ("Ag_0001Ag__001.ibw", b"\x05\x00" + bytes(300), "Igor Pro binary wave"),
        (
            "spectrum.vgd",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300),
            "Thermo Avantage binary",
        ),
    ],
)
def test_native_binary_files_are_refused_with_the_export_to_make(tmp_path, name, content, says):
    """Before: "no numeric rows", "rows hold one number each" (the XML's numbers) or a workbook
    error (the .vgd is an OLE file like an .xls): nothing said what the file is or what to do."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=says) as info:
        read_xps(path)
    assert "export" in str(info.value)


def test_a_text_export_is_still_read_when_named_like_nothing_special(tmp_path):
    """The native-format check looks at the start and the extension only: a two-column text
    file with a binding-energy header is read as before."""
    x = np.arange(296.0, 279.9, -0.5)
    y = _peak(len(x), 900, 200)
    path = tmp_path / "c1s.txt"
    path.write_text(
        "Binding Energy [eV]\tCPS\n"
        + "\n".join(f"{a:g}\t{b:.3f}" for a, b in zip(x, y, strict=True))
    )
    (s,) = read_xps(path)
    np.testing.assert_allclose(s.binding_energy_eV, x[::-1])


def _vamas(path, blocks):
    """A VAMAS file (ISO 14976, NORM, REGULAR) of ``blocks``: (technique, source energy [eV],
    kinetic start [eV], values); the layout of vamas' test file ``aes_staib.vms`` (matkrin/vamas,
    BSD-3-Clause), values invented."""
    head = [
        "VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4",
        "Not Specified",
        "Staib SuperCMA",
        "Not Specified",
        "Not Specified",
        "1",
        "WinSpectro DAQ",
        "NORM",
        "REGULAR",
        str(len(blocks)),
        "0",
        "0",
        "0",
        "0",
        "0",
        str(len(blocks)),
    ]
    body = []
    for k, (technique, hv, start, values) in enumerate(blocks):
        body += [f"block {k + 1}", "sample", *"2022 5 26 15 0 46 0".split(), "0", technique]
        body += ["Al", str(hv), "300", *["1e37"] * 4, "FAT", "50"]
        if technique == "AES diff":
            body.append("2")  # differential width, only for AES diff
        body += ["1", "4.5", "0", "1200", "1200", "1e37", "1e37", "C", "1s", "-1"]
        body += ["Kinetic Energy", "eV", str(start), "0.5", "1", "Intensity", "c/s"]
        body += ["pulse counting", "0.1", "1", "0", "1e37", "1e37", "1e37", "0"]
        body += [str(len(values)), f"{min(values):g}", f"{max(values):g}"]
        body += [f"{v:.1f}" for v in values]
    path.write_text("\n".join([*head, *body, "end of experiment"]) + "\n")
    return path


def test_an_auger_vamas_block_is_refused_not_read_as_negative_binding_energies(tmp_path):
    """vamas' aes_staib.vms ("AES diff", source energy 0) was read as an XPS spectrum from
    -2200 to -20 eV of binding energy (0 - kinetic energy)."""
    y = list(_peak(40, 900.0, 100.0))
    path = _vamas(tmp_path / "aes.vms", [("AES diff", 0, 20.0, y)])
    with pytest.raises(DataFormatError, match="'AES diff', not photoemission"):
        read_xps(path)


def test_an_auger_block_beside_xps_blocks_is_set_aside_with_a_note(tmp_path):
    y = list(_peak(40, 900.0, 100.0))
    path = _vamas(tmp_path / "mixed.vms", [("XPS", 1486.6, 1180.0, y), ("AES dir", 0, 20.0, y)])
    (s,) = read_xps(path)
    assert s.metadata["technique"] == "XPS"
    assert s.binding_energy_eV.min() > 280
    assert any("AES dir" in n for n in s.metadata["notes"])


def test_a_kinetic_vamas_block_without_a_source_energy_is_refused(tmp_path):
    """A source energy of 1E37 is VAMAS's "not known": before, the block came back with binding
    energies of about 1E37 eV."""
    y = list(_peak(40, 900.0, 100.0))
    path = _vamas(tmp_path / "nohv.vms", [("XPS", "1e37", 1180.0, y)])
    with pytest.raises(DataFormatError, match="no source energy recorded"):
        read_xps(path)


def test_a_scienta_two_dimensional_region_is_summed_over_its_slices(tmp_path):
    """Scienta SES text export of a region with ``Dimension 2`` (detector slices or angles): one
    intensity column per slice (the SES text layout of pynxtools-xps' tests/data/scienta_txt,
    Apache-2.0, with a second dimension). Before, each slice came back as a spectrum of its own
    ("C1s column 2" ... "C1s column 4"); now the region is one spectrum, the slices summed."""
    be = np.arange(292.0, 279.9, -0.25)
    slices = [_peak(len(be), h, b) for h, b in ((300.0, 40.0), (500.0, 60.0), (250.0, 35.0))]
    lines = [
        "[Info]",
        "Number of Regions=0001",
        "Version=1.3.1",
        "",
        "[Region 1]",
        "Region Name=C1s",
        "Dimension 1 name=Binding Energy [eV]",
        f"Dimension 1 size={len(be)}",
        "Dimension 1 scale=" + " ".join(f"{e:g}" for e in be),
        "Dimension 2 name=Y-Scale [mm]",
        "Dimension 2 size=3",
        "Dimension 2 scale=-1 0 1",
        "",
        "[Info 1]",
        "Region Name=C1s",
        "Pass Energy=50",
        "Number of Sweeps=2",
        "Excitation Energy=700",
        "Energy Scale=Binding",
        "Number of Slices=3",
        "",
        "[Data 1]",
    ]
    lines += [f" {e:.6f}  " + "  ".join(f"{s[k]:.6f}" for s in slices) for k, e in enumerate(be)]
    path = tmp_path / "C1s_0001.txt"
    path.write_text("\n".join(lines) + "\n")
    (s,) = read_xps(path)
    assert s.label == "C1s"
    assert s.photon_energy_eV == 700.0
    total = np.sum(np.round(slices, 6), axis=0)
    np.testing.assert_allclose(s.intensity_cps, total[::-1], rtol=1e-9)
    assert any("3 slices along 'Y-Scale [mm]'" in n for n in s.metadata["notes"])


def test_a_casaxps_export_of_two_samples_keeps_each_region_s_sample(tmp_path):
    """CasaXPS "Export to ASCII" names a block ``Cycle N:Sample:Region``; pynxtools-xps'
    vms_txt_export.txt (Apache-2.0) holds the Survey and Ni2p regions of two samples, Ni and
    NiO. The sample was dropped: two regions named "Survey" and nothing to tell them apart."""
    lines = []
    for cycle, sample in ((3, "Ni"), (15, "NiO")):
        lines += [
            f"Cycle {cycle}:{sample}:Survey",
            "\tCharacteristic Energy eV\t1.486610e+003\tAcquisition Time s\t1.000000e-001",
            "K.E.\tCounts\t\tB.E.\tCPS",
        ]
        lines += [
            f"{1486.61 - be:.6e}\t{c / 10:.6e}\t\t{be:.6e}\t{c:.6e}"
            for be, c in zip(np.arange(1200.0, 1179.9, -1.0), _peak(21, 5e4, 2e4), strict=True)
        ]
    path = tmp_path / "casa_export.txt"
    path.write_text("\n".join(lines) + "\n")
    spectra = read_xps(path)
    assert [(s.label, s.metadata.get("sample")) for s in spectra] == [
        ("Survey", "Ni"),
        ("Survey", "NiO"),
    ]


def test_a_region_named_for_a_level_not_in_the_table_is_not_another_element():
    """Scienta's region "Cu_3p" (68-84 eV; pynxtools-xps Cu-HHTP_0004.txt, Apache-2.0): Cu 3p is
    not in species.toml, and the energy fallback took the region for Au 4f7/2, whose 84.0 eV
    lies on the window's edge. A label naming a level keeps its word (none, for a level the
    table lacks); "C_1s" is C 1s; a level on the window's edge no longer names the region."""
    import numpy as np

    from solidna.analysis.xps.species import level_of

    assert level_of("Cu_3p", np.linspace(68.0, 84.0, 161)) is None
    assert level_of("C_1s") == "C 1s"
    assert level_of("region 3", np.linspace(68.0, 84.0, 161)) is None  # Au 4f7/2 on the edge
    assert level_of("region 3", np.linspace(280.0, 295.0, 151)) == "C 1s"  # inside: named
