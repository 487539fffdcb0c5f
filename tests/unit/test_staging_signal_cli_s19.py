"""Ctrl-C or SIGTERM (`timeout`, a batch system's time limit) just after the hidden staging
directory of ``--out`` was made left ``.OUT.solidna-staging-*`` behind: the interrupt came
before the block whose cleanup removes it (tests/unit/test_cli_audit.py's SIGTERM test failed
once in four runs on a loaded machine). The staging directory is now made inside
the block that cleans up, with a name of that block's own by which the cleanup finds it.
"""

from __future__ import annotations

import os
import threading

import pytest

import solidna.io_utils as io_utils


class _InterruptedLock:
    """A lock whose ``n``-th entry raises KeyboardInterrupt (an interrupt at that line)."""

    def __init__(self, n: int) -> None:
        self._lock, self._n = threading.Lock(), n

    def __enter__(self):
        self._n -= 1
        if self._n == 0:
            raise KeyboardInterrupt
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)


def test_an_interrupt_while_the_staging_directory_is_registered_leaves_nothing(
    tmp_path, monkeypatch
):
    # the first entry looks for an enclosing block, the second registers the new directory
    monkeypatch.setattr(io_utils, "_STAGED_LOCK", _InterruptedLock(2))
    out = tmp_path / "deep" / "out"
    with pytest.raises(KeyboardInterrupt), io_utils.output_dir(out):
        pass
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_just_after_the_directory_is_made_leaves_nothing(tmp_path, monkeypatch):
    # the moment between the directory's creation and the return of the call that made it
    mkdir = os.mkdir

    def made_then_interrupted(path, *args, **kwargs):
        mkdir(path, *args, **kwargs)
        if ".solidna-staging-" in str(path):
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "mkdir", made_then_interrupted)
    entered = []
    with pytest.raises(KeyboardInterrupt), io_utils.output_dir(tmp_path / "out"):
        entered.append(True)
    assert entered == []
    assert list(tmp_path.iterdir()) == []
    assert io_utils._STAGED == {}
