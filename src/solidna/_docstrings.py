"""Shared docstring fragments: an argument that many public callables take is described once.

Many functions take the same argument with the same meaning (a parameter set, a progress
callback, an output directory, a reader's file and electrode area). Writing its NumPy description
into every docstring repeats it, and the copies drift apart. Here each such description is one
entry of :data:`DOCS`, and :func:`fill_doc` puts it into a docstring at import time, as
MNE-Python's ``fill_doc`` and matplotlib's ``_docstring.interpd`` do. A docstring asks for
entries with a line of its own: ``%(name)s`` for one entry inside a section it writes itself,
or ``%(Section: name, other)s`` for a whole NumPy section made of shared entries::

    Parameters
    ----------
    %(parameters)s
    temperature_K : float
        Temperature [K].

    %(Returns: measurement)s

An entry may also hold whole sections: ``%(figure_run)s`` is the Parameters and Returns of every
figure module's ``run(progress, parameters)``. So ``help()``, ``inspect.getdoc`` and the API
reference show the full sections (the docs build reads the filled docstring through the griffe
extension in ``docs/_griffe_fill_doc.py``).
"""

from __future__ import annotations

import re
from typing import TypeVar

__all__ = ["DOCS", "fill_doc"]

T = TypeVar("T")

#: Entry name -> NumPy text: a Parameters entry (``name : type``, then its description indented
#: by 4), a Returns or Raises entry (the type, then the description), or whole sections.
DOCS: dict[str, str] = {
    # -- parameter sets ------------------------------------------------------------------------
    "parameters": """\
parameters : ParameterSet or mapping, optional
    Parameter values; default :func:`solidna.lu2019`.""",
    "parameter_set": """\
parameters : ParameterSet, optional
    Parameter set; default :func:`solidna.lu2019`.""",
    "model_parameters": """\
parameters : ParameterSet or mapping
    Parameter values (e.g. ``solidna.lu2019()``).""",
    # -- impedance spectra ---------------------------------------------------------------------
    "spectrum_f_z": """\
f : numpy.ndarray
    Frequencies [Hz], distinct, in any order.
z : numpy.ndarray of complex
    Impedance at ``f`` (any unit).""",
    # -- XPS regions --------------------------------------------------------------------------
    "xps_region": """\
energy_eV : array_like of float or XPSSpectrum
    Binding energy [eV], or a spectrum (then ``intensity`` is None).
intensity : array_like of float, optional
    Intensity [counts/s], one per energy.""",
    # -- progress and output -------------------------------------------------------------------
    "progress": """\
progress : Progress, optional
    Called as ``progress(message, fraction)`` (:mod:`solidna.progress`) with the fraction of the
    work done [-] (or None when unknown); default: no progress shown.""",
    "out": """\
out : str or os.PathLike
    Output directory (created; staged until complete).""",
    "force": """\
force : bool, optional
    Overwrite a non-empty ``out``.""",
    "files_written": """\
list of pathlib.Path
    The files written.""",
    "output_exists": """\
OutputExistsError
    If ``out`` is a non-empty directory and ``force`` is False.""",
    "unknown_name": """\
InvalidOptionError
    For an unknown name, with the closest matches.""",
    "sweep_dataset": """\
ds : xarray.Dataset
    The sweep store's Dataset (:func:`~solidna.sweep.store.open_store`).""",
    "out_dir": """\
out_dir : str or os.PathLike
    Output directory (created when missing).""",
    # the checks of user input (solidna.errors and the readers' checks)
    "argument_name": """\
name : str
    The argument's name, for the message.""",
    # -- quantum chemistry (solidna.quantum) ----------------------------------------------------
    # what the ``cache`` argument of every computing function means (the "cache" entry below
    # the table; solidna.quantum.orbitals.resolve_cache implements it)
    "cache_values": """\
``True`` or ``None``: the user cache (:func:`~solidna.quantum.cache.cache_dir`), read unless
``SOLIDNA_NO_CACHE`` is set; ``False``: recompute (``--no-cache``), then store the new results;
a :class:`~solidna.quantum.cache.ResultsCache`: that cache.""",
    # the cache lookups that never compute (cached_decision, cached_study)
    "cache_store": """\
store : ResultsCache, optional
    Cache to read (default: the user cache, :func:`~solidna.quantum.cache.cache_dir`).""",
    "molecule_item": """\
item : Molecule or str
    A molecule, or a name / SMILES for :func:`~solidna.quantum.molecules.molecule`.""",
    "step_message": """\
message : callable, optional
    ``message(text)`` before each step (for progress displays).""",
    "scf_molecule": """\
molecule : Molecule
    The molecule (coordinates [A], charge, multiplicity).""",
    "cache_kind": """\
kind : str
    Kind of result (e.g. ``"orbitals"``); part of the key and the cache sub-folder.
payload : dict
    Everything the result depends on (molecule, level, ...), JSON-able.""",
    "mean_field": """\
mf : pyscf.scf.hf.SCF
    A PySCF mean-field object (not yet run).""",
    "solvated_mean_field": """\
pyscf.scf.hf.SCF
    The solvated mean-field object.""",
    "paper_eV": """\
paper_eV : float, optional
    The paper's dLUMO [eV], drawn/compared when given.""",
    # a molecule built from SMILES (solidna.quantum.molecules.molecule and from_smiles)
    "smiles_spin": """\
charge : int, optional
    Total charge [e]; default: the formal charge of the SMILES.
multiplicity : int, optional
    Spin multiplicity 2S + 1 [-]; default 1 for an even electron count, 2 for an odd one.
seed : int, optional
    Seed of RDKit's ETKDG embedding (the 3D geometry) [-].""",
    "impossible_spin": """\
OutOfRangeError
    For an impossible charge or multiplicity.""",
    # -- the SSE (solidna.materials.electrolyte) -------------------------------------------------
    "pvdf_ratio": """\
pvdf_ratio : float
    Mass of PVDF-HFP per mass of SN, ``w`` [-].""",
    "checked_pvdf_ratio": """\
pvdf_ratio : float, optional
    Mass of PVDF-HFP per mass of SN, ``w`` [-]; default 0.8 (the paper's optimal SSE). Validated
    for 0.5-1.5 (a warning outside).""",
    "sse_temperature": """\
temperature : str or float, optional
    ``"25 degC"`` (default), ``"298.15 K"``, or a bare number in kelvin. Validated for 10-60 C
    (a warning outside).""",
    "co2_pressure": """\
co2_pressure_bar : float or str, optional
    CO2 partial pressure [bar] (a bare number), > 0, or with its unit (``"1 atm"``); default 1
    bar.""",
    "set_pvdf_ratio": """\
pvdf_ratio : float, optional
    Mass of PVDF-HFP per mass of SN [-]; default the set's "SSE PVDF-HFP ratio [-]" (0.8).""",
    # -- the Na-CO2 reaction (solidna.materials.thermo) -----------------------------------------
    "thermo_temperature": """\
temperature_K : float or str, optional
    Temperature [K] (a bare number), or with its unit (``"25 degC"``); default 298.15 K.""",
    # -- instrument files (solidna.analysis.io) --------------------------------------------------
    "file": """\
path : pathlib.Path
    The exported file.""",
    "area_m2": """\
area_m2 : float, optional
    Electrode area [m2]; None leaves currents absolute.""",
    "file_progress": """\
progress : callable, optional
    Called as ``progress(message, fraction)`` with the fraction done [-] on large files.""",
    "measurement": """\
Measurement
    The data as a tidy table in SI units, with metadata and notes.""",
    # -- models and protocols ------------------------------------------------------------------
    "symmetric_values": """\
values : mapping
    Numeric parameter values (SI), e.g. from
    :func:`~solidna.models.solve.symmetric_parameter_values`.""",
    "current_density_either_sign": """\
current_density_A_m2 : float
    Current density [A.m-2], either sign.""",
    "var_pts": """\
var_pts : int, optional
    Number of finite-volume points across the SSE [-].""",
    "rtol": """\
rtol : float, optional
    Relative tolerance of the solver [-].""",
    "thickness": """\
thickness : pybamm.Symbol
    Interphase thickness [m].""",
    "duration": """\
duration : str, optional
    Total duration with a unit (``"4000 h"``).""",
    # cycle jumping of long runs (solidna.cells.jump), as the symmetric and NVP cells and the
    # fits that run them default to it
    "jump": """\
jump : bool, optional
    Cycle jumping (:mod:`solidna.cells.jump`): ``None`` (default) jumps runs of at least
    :data:`~solidna.cells.jump.JUMP_MIN_CYCLES` cycles, ``False`` resolves every cycle.""",
    "jump_tolerance": """\
jump_tolerance : JumpTolerance, optional
    Error control of each jump (:class:`~solidna.cells.jump.JumpTolerance`).""",
    # the cells' conditions (solidna.cells.base.Cell and cell_setup)
    "cell_anode": """\
anode : str
    ``"modified"`` (M-Na, 1 M NaClO4/FEC treated) or ``"pristine"`` (aliases in
    :data:`~solidna.cells.base.ANODE_ALIASES`, e.g. ``"M-Na"``, ``"Na"``).""",
    "cell_conditions": """\
temperature : str or float, optional
    e.g. ``"25 degC"`` (a bare number is in K). Refused at or above the SSE melting point.
sse_thickness : str or float, optional
    e.g. ``"60 um"`` (a bare number is in m).
pvdf_ratio : float, optional
    PVDF-HFP : SN weight ratio of the SSE [-] (0.8 in the paper).""",
    # the NVP half-cell's cycling protocols (solidna.protocols.nvp) and the cell methods that
    # build them (solidna.cells.nvp)
    "c_rate": """\
c_rate : str or float
    C-rate [h-1] of charge and discharge, e.g. ``1`` or ``"1 C"`` (> 0).""",
    "cycles": """\
cycles : int
    Number of charge/discharge cycles (>= 1).""",
    "c_rates": """\
c_rates : sequence of float or str
    C-rates [h-1] in order, e.g. ``(0.1, 0.2, 0.5, 1, 2, 0.1)``; each > 0.""",
    "cycles_per_rate": """\
cycles_per_rate : int
    Cycles at each C-rate (>= 1).""",
    "cutoffs": """\
lower_cutoff, upper_cutoff : str or float
    Cut-off voltages vs Na+/Na, e.g. ``"2.5 V"`` and ``"3.8 V"`` (a number is in V); checked
    against the SSE's stability window by the cell
    (:func:`~solidna.protocols.nvp.check_window`).""",
    "first_cycle": """\
first_cycle : int, optional
    Number of the first cycle [-].""",
    "half_cycles": """\
list of HalfCycle
    Charge and discharge half cycles, in order.""",
    # -- the reproduce figure modules and the report -------------------------------------------
    "result_entry": """\
entry : mapping
    One result of ``reproduction.json`` (``id``, ``model``, ``pass``, ...).""",
    "target_id": """\
target_id : str
    Full target id.""",
    "target_prefixes": """\
prefixes : list or tuple of str, optional
    Target id prefixes (e.g. ``["fig4"]``); all targets when not given.""",
    "figure_output": """\
FigureOutput
    Target results, figures, captions and notes.""",
    # -- calibration routines (solidna.calibrate) ----------------------------------------------
    "calibration_parameters": """\
parameters : ParameterSet
    The model parameters.""",
    "parameter_name": """\
name : str
    The parameter's name.""",
    "anode": """\
anode : {"modified", "pristine"}
    The Na anode: M-Na (NaF-rich interphase) or pristine Na.""",
    "points_per_step": """\
points_per_step : int, optional
    Output points per protocol step [-].""",
    "model_values": """\
dict of str to float
    Model value by target id, in the targets' units.""",
    # the fit of a plating/stripping record (solidna.calibrate.from_data.InterphaseFit)
    "until": """\
until : str or float
    End time (``"4000 h"``; a number is in s).""",
    # the model fit of a symmetric-cell CV (solidna.calibrate.cv and experiments)
    "cv_state": """\
state : dict, optional
    Interphase thicknesses [m] ``{"left", "right"}`` at the start of the CV.""",
    # -- XPS charge correction (solidna.analysis.xps.species) ----------------------------------
    "c1s_positions": """\
c1s_positions_eV : sequence of float
    Fitted positions (binding energies) of the C 1s components, uncorrected [eV].
reference_eV : float, optional
    Binding energy the C-C/C-H component is moved to [eV] (default
    :data:`~solidna.analysis.xps.species.ADVENTITIOUS_C1S_EV`, 284.8 eV; the paper uses
    284.5 eV).
areas : sequence of float, optional
    Areas of the same components, in the same order [cps.eV]; components under
    :data:`~solidna.analysis.xps.species.REFERENCE_MIN_AREA_SHARE` of the largest are not the
    reference line.""",
    "no_c1s": """\
DataFormatError
    No C 1s component was fitted, or the shift exceeds
    :data:`~solidna.analysis.xps.species.MAX_CHARGE_SHIFT_EV`.""",
}


def _section(title: str, keys: list[str]) -> list[str]:
    """The NumPy section ``title`` (its title, underline and the entries ``keys``) as lines."""
    return [title, "-" * len(title)] + [line for key in keys for line in DOCS[key].splitlines()]


# The whole interface of a figure module's run(progress, parameters) (solidna.reproduce.base).
DOCS["figure_run"] = "\n".join(
    _section("Parameters", ["progress", "parameter_set"])
    + [""]
    + _section("Returns", ["figure_output"])
)

# The ``cache`` argument of the quantum-chemistry functions and of Fig. 1.
DOCS["cache"] = "\n".join(
    ["cache : ResultsCache or bool, optional"]
    + ["    " + line for line in DOCS["cache_values"].splitlines()]
)

# a line of its own: "%(name)s", "%(a, b)s" or "%(Section: a, b)s" (Section: a NumPy section title)
_PLACEHOLDER = re.compile(
    r"^(?P<indent>[ \t]*)%\("
    r"(?:(?P<section>[A-Z][a-z]+(?: [A-Z][a-z]+)?):)?(?P<keys>[\w, ]+)"
    r"\)s[ \t]*$"
)


def fill_doc(obj: T) -> T:
    """Replace each placeholder line of ``obj``'s docstring by entries of :data:`DOCS`.

    ``%(name)s`` becomes the entry ``DOCS[name]``; ``%(Section: a, b)s`` becomes the NumPy
    section ``Section`` (its title and underline) holding the entries ``a`` and ``b``. The text
    is indented like the placeholder line. Only whole-line placeholders are filled, so a
    docstring may contain ``%`` anywhere else (``"5 %"``).

    Parameters
    ----------
    obj : function or class
        The object whose ``__doc__`` is filled in place.

    Returns
    -------
    function or class
        ``obj`` itself (for use as a decorator).

    Raises
    ------
    KeyError
        For a placeholder with no entry in :data:`DOCS` (a programming error, caught at import).
    """
    doc = obj.__doc__
    if not doc:
        return obj
    lines = []
    for line in doc.splitlines():
        match = _PLACEHOLDER.match(line)
        if match is None:
            lines.append(line)
            continue
        keys = [k.strip() for k in match["keys"].split(",")]
        unknown = [k for k in keys if k not in DOCS]
        if unknown:
            raise KeyError(
                f"{getattr(obj, '__qualname__', obj)!r}: no docstring entry {unknown[0]!r} in "
                f"solidna._docstrings.DOCS; known: {', '.join(sorted(DOCS))}."
            )
        if match["section"]:
            text = _section(match["section"], keys)
        else:
            text = [line for key in keys for line in DOCS[key].splitlines()]
        lines += [match["indent"] + t if t else "" for t in text]
    obj.__doc__ = "\n".join(lines)
    return obj
