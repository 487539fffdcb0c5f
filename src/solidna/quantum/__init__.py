"""First principles behind the paper's choice of reagent (Fig. 1c-d), and additive screening.

* :mod:`~solidna.quantum.molecules` - molecules from SMILES or names, RDKit geometries, Na+
  complexes;
* :mod:`~solidna.quantum.levels` - the levels of theory (``test``, ``fast``, ``paper``) and MD
  settings;
* :mod:`~solidna.quantum.orbitals` - HOMO/LUMO with PySCF DFT in implicit solvent, with and without
  Na+ (Fig. 1c);
* :mod:`~solidna.quantum.md` - reactive MD of FEC and FEC-Na+ on a Na(100) cluster with GFN2-xTB
  via tblite and ASE, and the detection of ring opening and C-F cleavage (Fig. 1d);
* :mod:`~solidna.quantum.screen` - ranking candidate reagents by the LUMO shift on Na+ binding;
* :mod:`~solidna.quantum.decision` - the paper's decision as a ranking: oxidation gate, F- release
  in MD on Na, LUMO with Na+ (``solidna screen --decide``);
* :mod:`~solidna.quantum.study` - the level-of-theory band of the LUMO shift of FEC on Na+
  (functionals, bases, solvents, geometries, sites; ``solidna screen --study``);
* :mod:`~solidna.quantum.stats` - bootstrap intervals and the one-sided rank test of MD event
  times;
* :mod:`~solidna.quantum.cache` - the results cache (never mistaken for a computation).

PySCF, RDKit, tblite and ASE are imported inside the functions that need them, so importing
``solidna.quantum`` is cheap.
"""

from __future__ import annotations

import os

# OpenMP runtimes read this once, when PySCF or tblite is first loaded; one thread by default
# (see solidna.quantum.scf.configure_threads for the measurement). A user's setting is kept. A
# malformed $SOLIDNA_THREADS is not passed on (libgomp would print its own complaint):
# scf.thread_count refuses it with a clear message before the first computation.
_threads = os.environ.get("SOLIDNA_THREADS", "").strip()
os.environ.setdefault(
    "OMP_NUM_THREADS", _threads if _threads.isdecimal() and int(_threads) else "1"
)

from solidna.quantum.cache import ResultsCache, cache_dir  # noqa: E402
from solidna.quantum.levels import (  # noqa: E402
    DEFAULT_LEVEL,
    LEVELS,
    MD_LEVELS,
    Level,
    MDSettings,
    get_level,
    get_md_settings,
)
from solidna.quantum.molecules import (  # noqa: E402
    KNOWN_MOLECULES,
    Molecule,
    from_smiles,
    known_names,
    molecule,
    na_complex,
)
from solidna.quantum.orbitals import NaShift, OrbitalResult, frontier_orbitals, na_shift  # noqa: E402

__all__ = [
    "DEFAULT_LEVEL",
    "LEVELS",
    "MD_LEVELS",
    "Level",
    "MDSettings",
    "get_level",
    "get_md_settings",
    "KNOWN_MOLECULES",
    "Molecule",
    "molecule",
    "from_smiles",
    "known_names",
    "na_complex",
    "OrbitalResult",
    "NaShift",
    "frontier_orbitals",
    "na_shift",
    "ResultsCache",
    "cache_dir",
]
