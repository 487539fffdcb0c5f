"""Where the tests find the real instrument files: ``<repo>/../shared/data`` (as in CI).

The files live beside the repository, not in it (their licences are in shared/data); a test that
needs one skips, saying where it looked, when it is not there. Importable as ``_shared_data``
because pyproject.toml puts ``tests`` on pytest's ``pythonpath``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: The shared data folder beside the repository.
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(*parts: str) -> tuple[Path, pytest.MarkDecorator]:
    """Path of a folder or file under the shared data and a mark that skips when it is missing.

    Parameters
    ----------
    *parts : str
        Path parts below ``shared/data`` (e.g. ``"xps"`` or ``"drt", "2XZARCequal.csv"``); none
        for the shared data folder itself.

    Returns
    -------
    path : Path
        The absolute path.
    needs_data : pytest.MarkDecorator
        ``skipif`` mark, true when ``path`` does not exist.
    """
    path = SHARED.joinpath(*parts)
    return path, pytest.mark.skipif(not path.exists(), reason=f"shared data not found at {path}")
