"""Text exports saved as UTF-16 ("Unicode" text of Windows programs, PalmSens PSTrace CSV).

Every reader expects 8-bit text; a UTF-16 file was refused as an "unknown binary format". It is
now read through a UTF-8 copy, whatever its layout, and the result and the messages name the
file the user gave.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

CSV = "Time [s],Voltage [V],Current [mA]\n" + "".join(
    f"{k},{3.0 + 0.01 * k:.2f},0.5\n" for k in range(20)
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_csv_reads_as_its_utf8_twin(
    tmp_path: Path, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    plain = tmp_path / "plain.csv"
    plain.write_text(CSV, encoding="utf-8")
    wide = tmp_path / "wide.csv"
    wide.write_text(CSV, encoding=encoding)  # "utf-16": with a byte-order mark
    assert sio.detect_format(wide) == "csv"
    a, b = sio.read(plain), sio.read(wide)
    assert b.data.equals(a.data)
    assert b.source == wide  # not the temporary copy
    assert any("UTF-16" in n for n in b.notes)
    assert not list(scratch.iterdir())  # the copy is gone


def test_utf16_impedance_export_goes_through_its_own_reader(tmp_path: Path) -> None:
    source = SHARED / "eis" / "exampleDataBioLogic.mpt"
    if not source.exists():
        pytest.skip("shared data not present")
    wide = tmp_path / source.name
    wide.write_text(source.read_bytes().decode("latin-1"), encoding="utf-16")
    a, b = sio.read(source), sio.read(wide)
    assert (a.format, a.kind) == (b.format, b.kind) == ("biologic-mpt", "impedance")
    np.testing.assert_array_equal(b.data["Z_re [Ohm]"], a.data["Z_re [Ohm]"])


def test_messages_name_the_file_given_not_the_copy(tmp_path: Path) -> None:
    wide = tmp_path / "unknown.csv"
    wide.write_text("alpha,beta\n1,2\n3,4\n5,6\n", encoding="utf-16")
    with pytest.raises(DataFormatError) as err:
        sio.read(wide)
    assert str(wide) in str(err.value)
    assert "solidna-" not in str(err.value)


def test_binary_files_are_not_taken_for_utf16(tmp_path: Path) -> None:
    blob = tmp_path / "blob.dat"
    blob.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DataFormatError, match="unknown binary format"):
        sio.read(blob)


def test_warnings_name_the_file_given_not_the_copy(tmp_path: Path) -> None:
    wide = tmp_path / "bare.csv"
    wide.write_text(
        "Time,Voltage,Current\n" + "".join(f"{k},{3 + 0.01 * k:.2f},0.001\n" for k in range(9)),
        encoding="utf-16",
    )
    with pytest.warns(UserWarning) as caught:
        m = sio.read(wide)
    texts = [str(w.message) for w in caught if "SI assumed" in str(w.message)]
    assert texts and all(str(wide) in t and "solidna-" not in t for t in texts)
    assert m.source == wide
