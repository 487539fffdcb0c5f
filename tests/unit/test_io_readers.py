"""Readers of instrument files (solidna.analysis.io): real files of every format, synthetic files,
cross-checks against independent readers, and bad files."""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError, InvalidOptionError, SolidnaWarning

DATA = Path(__file__).resolve().parents[1] / "data"
MPR = DATA / "biologic" / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
ARBIN = DATA / "arbin" / "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"
NDAX = DATA / "neware" / "test.ndax"
NDA = DATA / "neware" / "new_nda_file.nda"
MACCOR = DATA / "maccor" / "maccor_002.txt"
EIS_MPT = DATA / "eis" / "exampleDataBioLogic.mpt"
EIS_CHI = DATA / "eis" / "exampleDataCHInstruments.txt"

#: The running net charge the reader builds (from the instrument's counters) must equal the
#: integral of its current to 2 % of the largest charge: a wrong time unit (min vs s), a wrong
#: current sign or a lost counter reset is off by a factor or by whole half cycles. 2 % allows
#: for the sampling of the integral (the instrument integrates between samples).
CHARGE_CONSISTENCY_REL = 0.02


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_files_are_the_attributed_copies():
    readme = (DATA / "README.md").read_text()
    sums = dict(
        (name, digest)
        for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, flags=re.M)
    )
    assert len(sums) == 7
    for name, digest in sums.items():
        assert _sha256(DATA / name) == digest, name
        licence = list((DATA / name).parent.glob("LICENSE-*.txt"))
        assert licence, f"no licence text beside {name}"


def _charge_consistent(m: sio.Measurement) -> None:
    d = m.data
    t, i, q = (d[c].to_numpy() for c in (sio.TIME, sio.CURRENT, sio.CAPACITY))
    integral = np.r_[0, np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))] / 3600
    scale = np.max(np.abs(q))
    assert scale > 0
    assert np.max(np.abs(integral - q)) <= CHARGE_CONSISTENCY_REL * scale


@pytest.mark.parametrize(
    ("path", "fmt", "rows", "v_range", "cycles"),
    [
        (MPR, "biologic-mpr", 46102, (1.99, 3.81), 7),
        (ARBIN, "arbin", 4526, (0.0, 2.7), 1),
        (NDAX, "neware", 1464, (1.4, 4.45), 1),
        (NDA, "neware", 439, (-0.2, 0.1), 2),
        (MACCOR, "maccor", 7446, (0.034, 3.81), 2),
    ],
)
def test_real_cycler_files(path, fmt, rows, v_range, cycles):
    assert sio.detect_format(path) == fmt
    m = sio.read(path)
    d = m.data
    assert m.format == fmt and m.kind == "timeseries" and len(d) == rows
    assert list(d.columns[:3]) == [sio.TIME, sio.VOLTAGE, sio.CURRENT]
    assert np.all(np.diff(d[sio.TIME]) >= 0)
    assert v_range[0] <= d[sio.VOLTAGE].min() and d[sio.VOLTAGE].max() <= v_range[1]
    assert d[sio.CYCLE].max() == cycles
    assert (d[sio.CURRENT] > 0).any() and (d[sio.CURRENT] < 0).any()
    _charge_consistent(m)


def test_maccor_units_and_signs():
    m = sio.read(MACCOR)
    d = m.data
    # TestTime 3809.84 min in the last record (wall clock 5/11 3:40 PM -> 5/14 7:10 AM)
    assert d[sio.TIME].iloc[-1] == pytest.approx(3809.841833 * 60)
    raw = pd.read_csv(MACCOR, sep="\t", skiprows=13, encoding="latin-1", index_col=False)
    raw = raw.dropna(subset=["TestTime"])
    discharge = (raw["Md"] == "D").to_numpy()
    assert np.all(d[sio.CURRENT].to_numpy()[discharge] <= 0)
    assert np.abs(d[sio.CURRENT]).to_numpy() == pytest.approx(
        raw["Current [A]"].to_numpy() * (raw["Md"] != "R")
    )


def test_neware_time_is_cumulative_over_steps():
    import NewareNDA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = NewareNDA.read(str(NDAX), log_level="ERROR")
    m = sio.read(NDAX)
    # the wall clock (1-s resolution) and the rebuilt test time agree
    wall = (raw["Timestamp"] - raw["Timestamp"].iloc[0]).dt.total_seconds().to_numpy()
    assert m.data[sio.TIME].to_numpy() == pytest.approx(wall, abs=1.0)


def test_arbin_matches_its_own_columns():
    raw = pd.read_excel(ARBIN, sheet_name="Channel_11_1")
    m = sio.read(ARBIN)
    assert m.data[sio.TIME].to_numpy() == pytest.approx(raw["Test_Time(s)"].to_numpy())
    assert m.data[sio.CURRENT].to_numpy() == pytest.approx(raw["Current(A)"].to_numpy())


def _independent_mpr(path: Path) -> dict[str, np.ndarray]:
    """Decode the 'VMP data' module of an EC-Lab .mpr without galvani.

    Module header (EC-Lab < 11.50): b"MODULE", short name (10 bytes), long name (25), data
    length (u4), version (u4), date (8). Data module version 3: number of points (u4), number of
    columns (u1), column ids (u2 each), records from byte 406. The record layout follows from the
    column ids; that it is right is checked by the sizes adding up to the module length.
    """
    raw = path.read_bytes()
    at = raw.index(b"MODULEVMP data  ")
    length, version = struct.unpack_from("<II", raw, at + 6 + 10 + 25)
    block = raw[at + 6 + 10 + 25 + 4 + 4 + 8 :][:length]
    assert version == 3
    n_points, n_cols = struct.unpack_from("<IB", block, 0)
    ids = struct.unpack_from(f"<{n_cols}H", block, 5)
    flags = {1, 2, 3, 21, 31, 65}  # packed into one byte
    sizes = {131: "u2", 4: "f8", 7: "f8", 13: "f8", 5: "f4", 6: "f4", 39: "u2", 467: "f8",
             468: "u4", 70: "f4"}  # fmt: skip
    names = {4: "time", 7: "dq", 13: "q", 6: "ewe", 131: "ns"}
    fields = [("flags", "u1")] + [(str(i), "<" + sizes[i]) for i in ids if i not in flags]
    dtype = np.dtype(fields)
    assert 406 + n_points * dtype.itemsize == length  # the layout accounts for every byte
    records = np.frombuffer(block[406:], dtype=dtype, count=n_points)
    return {names[i]: records[str(i)].astype(float) for i in names}


def test_mpr_matches_an_independent_decoding_and_its_own_counter():
    """The .mpr has no .mpt twin (README), and navani cannot be installed beside pandas 3, so
    galvani's reading is checked against a decoding written here and against the instrument's
    own charge counter (Q-Qo), which the reader does not use for the current."""
    ref = _independent_mpr(MPR)
    d = sio.read(MPR).data
    np.testing.assert_array_equal(d[sio.TIME].to_numpy(), ref["time"])
    np.testing.assert_array_equal(d[sio.VOLTAGE].to_numpy(), ref["ewe"])
    np.testing.assert_allclose(d[sio.CAPACITY].to_numpy(), ref["q"] * 1e-3)
    np.testing.assert_array_equal(d[sio.STEP].to_numpy(), ref["ns"])
    # current = dq/dt; its integral is the instrument's (Q - Qo) counter
    t, i = d[sio.TIME].to_numpy(), d[sio.CURRENT].to_numpy()
    integral = np.r_[0, np.cumsum(i[1:] * np.diff(t))] / 3600
    np.testing.assert_allclose(integral, ref["q"] * 1e-3, atol=1e-9)
    # the GCPL setpoint of the file: 0.0888 mA
    assert np.median(np.abs(i[np.abs(i) > 0])) == pytest.approx(0.0888e-3, rel=1e-3)


def test_eis_mpt_matches_impedance_py_reader():
    """The EC-Lab text export read by our reader and by impedance.py's readBioLogic."""
    from impedance.preprocessing import readBioLogic

    f, z = readBioLogic(str(EIS_MPT))
    m = sio.read(EIS_MPT)
    assert m.format == "biologic-mpt" and m.kind == "impedance"
    np.testing.assert_array_equal(m.data[sio.FREQUENCY].to_numpy(), f)
    np.testing.assert_array_equal(m.data[sio.Z_RE].to_numpy(), z.real)
    np.testing.assert_array_equal(m.data[sio.Z_IM].to_numpy(), z.imag)
    # "Electrode surface area : 0.001 cm²" is EC-Lab's default, i.e. never set (issue 10, 7)
    assert m.area_m2 is None
    assert m.metadata["electrode area [cm2]"] == pytest.approx(0.001)
    assert any("EC-Lab's default" in n and "unknown" in n for n in m.notes)
    assert (m.data[sio.Z_IM] < 0).mean() > 0.9  # capacitive: Z_im < 0


def test_chi_eis():
    m = sio.read(EIS_CHI)
    assert m.format == "chi-eis" and len(m.data) == 73
    assert m.data[sio.FREQUENCY].iloc[0] == pytest.approx(9.961e4)
    assert m.data[sio.Z_IM].iloc[-1] == pytest.approx(-15860.0)


# --------------------------------------------------------------------------------------------
# Synthetic files
# --------------------------------------------------------------------------------------------
def _square_wave(n=400):
    t = np.linspace(0, 10 * 3600, n)
    i = np.where((t // 3600) % 2 == 0, 1e-4, -1e-4)
    v = np.sign(i) * 0.08
    return pd.DataFrame({sio.TIME: t, sio.VOLTAGE: v, sio.CURRENT: i})


def test_csv_with_unit_headers_and_solidna_timeseries(tmp_path):
    p = tmp_path / "sim.csv"
    frame = _square_wave()
    pd.DataFrame(
        {
            "Time [h]": frame[sio.TIME] / 3600,
            "Current density [mA.cm-2]": frame[sio.CURRENT] * 1e3,  # 1 cm2
            "Voltage [V]": frame[sio.VOLTAGE],
        }
    ).to_csv(p, index=False)
    m = sio.read(p, area="1 cm2")
    assert m.format == "csv"
    np.testing.assert_allclose(m.data[sio.TIME], frame[sio.TIME])
    np.testing.assert_allclose(m.data[sio.CURRENT], frame[sio.CURRENT])
    np.testing.assert_allclose(m.data[sio.CURRENT_DENSITY], frame[sio.CURRENT] / 1e-4)


def test_csv_column_mapping_with_units_semicolons_and_decimal_commas(tmp_path):
    p = tmp_path / "lab.txt"
    p.write_text("t;E;I\n0,0;0,080;0,1\n30,0;0,081;0,1\n60,0;0,082;-0,1\n", encoding="utf-8")
    m = sio.read(p, columns={"time": "t [min]", "voltage": "E [V]", "current": "I [mA]"})
    assert m.data[sio.TIME].tolist() == [0, 1800, 3600]
    assert m.data[sio.CURRENT].tolist() == pytest.approx([1e-4, 1e-4, -1e-4])


def test_csv_without_units_warns_and_assumes_si(tmp_path):
    p = tmp_path / "bare.csv"
    p.write_text("time,voltage,current\n0,1,0.1\n1,1.1,0.1\n")
    with pytest.warns(SolidnaWarning, match="no unit in the header"):
        m = sio.read(p)
    assert any("SI assumed" in n for n in m.notes)


def test_mpt_round_trip_through_write_mpt(tmp_path):
    frame = _square_wave()
    m = sio.Measurement(frame, "timeseries", "csv", tmp_path / "x", area_m2=1e-4)
    path = sio.write_mpt(m, tmp_path / "run.mpt")
    back = sio.read(path)
    assert back.format == "biologic-mpt" and back.area_m2 == pytest.approx(1e-4)
    np.testing.assert_allclose(back.data[sio.TIME], frame[sio.TIME], rtol=1e-8)
    np.testing.assert_allclose(back.data[sio.CURRENT], frame[sio.CURRENT], rtol=1e-8)


def test_mpt_with_decimal_commas(tmp_path):
    text = EIS_MPT.read_text(encoding="latin-1")
    head, _, body = text.partition("freq/Hz")
    p = tmp_path / "comma.mpt"
    p.write_text(head + "freq/Hz" + body.replace(".", ","), encoding="latin-1")
    m = sio.read(p)
    np.testing.assert_allclose(m.data[sio.Z_RE], sio.read(EIS_MPT).data[sio.Z_RE])


# --------------------------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("head.csv", "Time [s],Voltage [V],Current [A]\n", "the file holds no data rows"),
        (
            "head.txt",  # Parstat (used to end in a StopIteration)
            "Segment #\tPoint #\tE Applied (V)\tFrequency (Hz)\tCurrent (A)\t"
            "Elapsed Time (s)\tPotential (V)\tZre (ohms)\tZim (ohms)\n",
            "the file holds no data rows",
        ),
        ("short.mpt", "EC-Lab ASCII FILE\nNb header lines : 3\n\n", "nothing to read after"),
    ],
)
def test_a_header_without_data_rows(tmp_path, name, text, message):
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(DataFormatError, match=rf"{re.escape(name)}: {message}"):
        sio.read(p)


def test_truncated_text_file(tmp_path):
    p = tmp_path / "cut.csv"
    p.write_text("Time [s],Voltage [V],Current [A]\n0,1,0.1\n1,1.1,0.1\n2,1.2")
    with pytest.raises(DataFormatError, match=r"cut\.csv.*truncated"):
        sio.read(p)


def test_truncated_mpr(tmp_path):
    p = tmp_path / "cut.mpr"
    p.write_bytes(MPR.read_bytes()[:100_000])
    with pytest.raises(DataFormatError, match=r"cut\.mpr.*galvani cannot read.*truncated"):
        sio.read(p)


def test_truncated_ndax(tmp_path):
    p = tmp_path / "cut.ndax"
    p.write_bytes(NDAX.read_bytes()[:5000])
    with pytest.raises(DataFormatError, match=r"cut\.ndax"):
        sio.read(p)


def test_wrong_format_extension(tmp_path):
    p = tmp_path / "fake.mpr"
    shutil.copy(EIS_CHI, p)
    with pytest.raises(DataFormatError, match=r"fake\.mpr.*extension '\.mpr'.*wrong format"):
        sio.read(p)


def test_unknown_binary(tmp_path):
    p = tmp_path / "blob.bin"
    p.write_bytes(b"\x00\x01\x02garbage" * 50)
    with pytest.raises(DataFormatError, match=r"blob\.bin.*unknown binary format.*Known formats"):
        sio.read(p)


def test_missing_columns(tmp_path):
    p = tmp_path / "nocurrent.csv"
    p.write_text("Time [s],Voltage [V]\n0,1\n1,1.1\n")
    with pytest.raises(DataFormatError, match=r"nocurrent\.csv.*no column for Current \[A\]"):
        sio.read(p)


def test_mapped_column_absent(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n0,1,2\n1,1,2\n")
    with pytest.raises(DataFormatError, match=r"column 'zz'.*not in the file"):
        sio.read(p, columns={"time": "zz"})


def test_non_monotonic_time(tmp_path):
    p = tmp_path / "back.csv"
    p.write_text("Time [s],Voltage [V],Current [A]\n0,1,0.1\n10,1,0.1\n5,1,0.1\n")
    with pytest.raises(DataFormatError, match=r"back\.csv.*time goes backwards.*data row 3"):
        sio.read(p)


def test_mixed_units_in_a_column(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text("Time [s],Voltage,Current [A]\n0,3.2 V,0.1\n1,3150 mV,0.1\n")
    with pytest.raises(DataFormatError, match=r"mixed\.csv.*mixes units.*'V'"):
        sio.read(p)


def test_wrong_unit_dimension(tmp_path):
    p = tmp_path / "dims.csv"
    p.write_text("Time [s],Voltage [mA],Current [A]\n0,1,0.1\n1,1,0.1\n")
    with pytest.raises(DataFormatError, match=r"dims\.csv.*'mA', which is not a unit of 'V'"):
        sio.read(p)


def test_text_in_numeric_column(tmp_path):
    p = tmp_path / "text.csv"
    p.write_text("Time [s],Voltage [V],Current [A]\n0,1,0.1\n1,oops,0.1\n2,1,0.1\n")
    with pytest.raises(DataFormatError, match=r"text\.csv.*not a number, 'oops'"):
        sio.read(p)


def test_bad_options(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        sio.read(tmp_path / "nothing.csv")
    with pytest.raises(InvalidOptionError, match="Unknown format 'mpt'"):
        sio.read(EIS_MPT, format="mpt")
    with pytest.raises(InvalidOptionError, match="columns= maps the columns"):
        sio.read(MACCOR, columns={"time": "TestTime"})


def test_inputs_are_not_modified(tmp_path):
    before = {p: _sha256(p) for p in (MPR, MACCOR, NDAX)}
    for p in before:
        sio.read(p)
    assert {p: _sha256(p) for p in before} == before


def test_module_doctests():
    import doctest

    import solidna.analysis.io._table as table

    assert doctest.testmod(sio).failed == 0
    assert doctest.testmod(table).failed == 0


def test_unrecognised_columns_are_reported_as_such(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("Alpha,Beta,Gamma\n0,1,0.1\n1,1.1,0.1\n2,1.2,0.1\n")
    with pytest.raises(DataFormatError) as info:
        sio.read(p)
    message = str(info.value)
    assert "odd.csv: none of its columns is recognised" in message
    assert "columns found: 'Alpha', 'Beta', 'Gamma'" in message
    assert "time: time, testtime" in message and "voltage: voltage, ewe" in message
    assert "columns={'time': 't [min]'" in message and "--column 'time=t [min]'" in message
    assert "no data rows" not in message
    # the mapping the message proposes works
    m = sio.read(p, columns={"time": "Alpha [min]", "voltage": "Beta [V]", "current": "Gamma [mA]"})
    assert float(m.data["Time [s]"].iloc[-1]) == 120.0


def test_partly_recognised_columns_name_what_is_missing(tmp_path):
    p = tmp_path / "half.csv"
    p.write_text("Time [s],Voltage [V],Ampere thing\n0,1,0.1\n1,1.1,0.1\n")
    with pytest.raises(DataFormatError) as info:
        sio.read(p)
    message = str(info.value)
    assert "no column for Current [A]" in message and "'Ampere thing'" in message
    assert "recognised: time='Time [s]', voltage='Voltage [V]'" in message
    assert "current: current, i" in message and "--column" in message


def test_a_directory_is_not_a_file(tmp_path):
    d = tmp_path / "runs"
    d.mkdir()
    (d / "cell1.mpt").write_text("x")
    for call in (
        lambda: sio.read(d),
        lambda: sio.read(d, format="csv"),
        lambda: sio.detect_format(d),
    ):
        with pytest.raises(DataFormatError, match=r"runs is a directory, not a file.*cell1\.mpt"):
            call()
    empty = tmp_path / "empty_dir"
    empty.mkdir()
    with pytest.raises(DataFormatError, match="is a directory, not a file \\(it holds no files\\)"):
        sio.read(empty)


def test_write_mpt_round_trip_of_both_kinds(tmp_path):
    ts = sio.read(MACCOR)
    back = sio.read(sio.write_mpt(ts, tmp_path / "ts.mpt"))
    for col in ("Time [s]", "Voltage [V]", "Current [A]", "Capacity [A.h]", "Cycle number"):
        np.testing.assert_allclose(back.data[col], ts.data[col], rtol=1e-8, atol=1e-12)
    eis = sio.read(EIS_CHI)
    back = sio.read(sio.write_mpt(eis, tmp_path / "eis.mpt"))
    np.testing.assert_allclose(back.data.to_numpy(), eis.data.to_numpy(), rtol=1e-8)


@pytest.mark.parametrize(("stated", "area_m2"), [("1.767", 1.767e-4), ("0,001", None), ("0", None)])
def test_mpt_header_area_decided_as_for_the_mpr(tmp_path, stated, area_m2):
    """The header's area goes through the same decision as the .mpr settings' (biologic.
    electrode_area): a set area is used, EC-Lab's default and a non-positive one are unknown,
    each with a note."""
    frame = _square_wave()
    path = sio.write_mpt(
        sio.Measurement(frame, "timeseries", "csv", tmp_path / "x", 1.0), tmp_path / "a.mpt"
    )
    text = path.read_text(encoding="latin-1")
    path.write_text(
        text.replace(
            "Electrode surface area : 10000 cm²", f"Electrode surface area : {stated} cm²"
        ),
        encoding="latin-1",
    )
    m = sio.read(path)
    assert m.metadata["electrode area [cm2]"] == pytest.approx(float(stated.replace(",", ".")))
    if area_m2 is None:
        assert m.area_m2 is None and sio.CURRENT_DENSITY not in m.data
        assert any("unknown" in n or "not an area" in n for n in m.notes)
    else:
        assert m.area_m2 == pytest.approx(area_m2, rel=1e-12)
        assert any("electrode area 1.767 cm2 from the file's header" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Every registered reader starts with check_file: one clear error for every format
# --------------------------------------------------------------------------------------------
_READERS = sorted(sio.FORMATS)
# The extension a reader needs to get as far as opening the file (NewareNDA dispatches on it).
_SUFFIX = {"biologic-mpr": ".mpr", "neware": ".nda", "arbin": ".xlsx"}


def _named_for(fmt: str, tmp_path: Path, stem: str) -> Path:
    return tmp_path / f"{stem}{_SUFFIX.get(fmt, '.txt')}"


@pytest.mark.parametrize("content", [b"", b"\r\n  \n\t\n", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("fmt", _READERS)
def test_every_reader_refuses_an_empty_file_with_the_same_message(tmp_path, fmt, content):
    """An empty or blank file: a DataFormatError naming the file, what the reader expected and
    what to do, from the reader itself and through read() - never a library's IndexError,
    EmptyDataError or 'not an EC-Lab file'."""
    p = _named_for(fmt, tmp_path, "run")
    p.write_bytes(content)
    what = "0 bytes" if not content else f"{len(content)} bytes of blank space"
    reader = sio.FORMATS[fmt][0]
    for call in (lambda: reader(p), lambda: sio.read(p, format=fmt), lambda: sio.read(p)):
        with pytest.raises(DataFormatError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{p}: the file is empty ({what}")
        assert "expected " in message and "export or copy it again" in message
    # the reader's own message says what it expected
    with pytest.raises(DataFormatError, match="expected (a|an) "):
        reader(p)


@pytest.mark.parametrize("fmt", _READERS)
def test_every_reader_refuses_a_directory_and_a_missing_file(tmp_path, fmt):
    d = _named_for(fmt, tmp_path, "folder")
    d.mkdir()
    (d / "cell1.mpt").write_text("x")
    reader = sio.FORMATS[fmt][0]
    with pytest.raises(DataFormatError, match=r"folder\S* is a directory, not a file.*cell1\.mpt"):
        reader(d)
    with pytest.raises(DataFormatError, match=r"nothing\S*: no such file \(expected .*path"):
        reader(_named_for(fmt, tmp_path, "nothing"))


def test_reader_accepts_a_path_as_text():
    assert len(sio.FORMATS["maccor"][0](str(MACCOR))) == 7446


def test_unreadable_file(tmp_path, monkeypatch):
    import solidna.analysis.io._table as table

    p = tmp_path / "locked.csv"
    p.write_text("Time [s],Voltage [V],Current [A]\n0,1,0.1\n1,1,0.1\n")

    def denied(file, *args, **kwargs):  # what open() does on a file without read permission
        raise PermissionError(13, "Permission denied", str(file))

    # a module global named open shadows the builtin inside check_file (chmod does not stop root)
    monkeypatch.setattr(table, "open", denied, raising=False)
    with pytest.raises(DataFormatError, match=r"locked\.csv: the file cannot be read \(Permission"):
        sio.read(p)
