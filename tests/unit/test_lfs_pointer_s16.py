"""A Git LFS or git-annex pointer given as data is named as such by every reader.

Public repositories keep their instrument files in Git LFS (ISEA's EIS-Data-Analytics
``Mohtat_01.csv``, galvani's test data): a clone without ``git lfs pull`` holds a three-line
pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) where the file should be.
Read as data it was "none of its columns is recognised ('oid', 'sha256:...')" or "not a
topography", which sends the user to map columns instead of fetching the file.
"""

from __future__ import annotations

import pytest

from solidna.analysis.afm import read_force_curves
from solidna.analysis.io import read
from solidna.analysis.topography import read_topography
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

LFS = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 123456\n"
)


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("cycling.csv", read),
        ("spectrum.mpt", read),
        ("region.vms", read_xps),
        ("curve.jpk-force", read_force_curves),
        ("map.spm", read_topography),
    ],
)
def test_lfs_pointer_is_named(tmp_path, name, reader):
    path = tmp_path / name
    path.write_text(LFS)
    with pytest.raises(DataFormatError) as err:
        reader(path)
    message = str(err.value)
    assert "Git LFS pointer" in message
    assert "123456 bytes" in message
    assert "git lfs pull" in message


def test_git_annex_pointer_is_named(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("/annex/objects/SHA256E-s1234--0123abcd.csv\n")
    with pytest.raises(DataFormatError, match="git-annex pointer.*git annex get run.csv"):
        read(path)


def test_a_table_mentioning_lfs_is_still_read(tmp_path):
    """Only a file that starts as a pointer is refused."""
    path = tmp_path / "run.csv"
    path.write_text(
        "# version https://git-lfs.github.com/spec/v1 mentioned in a comment\n"
        "Time [s],Voltage [V],Current [A]\n0,0.1,1e-5\n1,0.1,1e-5\n2,0.1,1e-5\n"
    )
    assert len(read(path).data) == 3
