"""A clear error when an optional first-principles package is not installed."""

from __future__ import annotations

import importlib.util

from solidna.errors import SolidnaError

__all__ = ["require", "QUANTUM_DEPENDENCIES"]

#: import name -> PyPI name of the packages solidna.quantum uses.
QUANTUM_DEPENDENCIES = {
    "pyscf": "pyscf",
    "rdkit": "rdkit",
    "tblite": "tblite",
    "ase": "ase",
    "geometric": "geometric",
}


def require(*modules: str) -> None:
    """Raise :class:`SolidnaError` naming the missing packages and how to install them.

    Parameters
    ----------
    *modules : str
        Names of the importable modules needed (e.g. ``"pyscf"``).
    """
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        names = " ".join(QUANTUM_DEPENDENCIES.get(m, m) for m in missing)
        raise SolidnaError(
            f"solidna.quantum needs {', '.join(missing)}, which is not installed. Install the "
            f"first-principles extra: pip install 'solidna[quantum]' (or: pip install {names})."
        )
