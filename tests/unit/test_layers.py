"""Layers import only downward (DESIGN section 1), lazy imports inside functions included.

The order, lowest first, is the one data flows through: a lower layer never needs to know a
higher one, so each layer can be read, tested and replaced on its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "solidna"

# Module-name prefix -> layer (lowest first); the longest matching prefix wins.
LAYERS: dict[str, int] = {
    # foundation: errors, user quantities, writing files, progress callbacks
    "solidna.errors": 0,
    "solidna.units": 0,
    "solidna.io_utils": 0,
    "solidna.progress": 0,
    # shared docstring fragments (text only; every layer fills its docstrings from them)
    "solidna._docstrings": 0,
    "solidna._dask": 0,
    # data the physics reads: parameter sets, the paper's targets; and presentation (figure
    # style and HTML), which draws and formats but knows nothing of the physics
    "solidna.parameters": 1,
    "solidna.targets": 1,
    "solidna.report": 1,
    "solidna.materials": 2,
    # analysis numerics (arrays and instrument files in, numbers out) sit below the cells, so
    # that a simulated and a measured record are analysed by one definition (Result methods
    # call them); quantum chemistry needs only the foundation
    "solidna.analysis": 3,
    "solidna.analysis.io.workbook": 3,
    "solidna.quantum": 3,
    "solidna.models": 4,
    "solidna.protocols": 5,
    "solidna.cells": 6,
    "solidna.calibrate": 7,
    # the `solidna analyze` pipeline fits cell models to measured files
    "solidna.analysis.pipeline": 8,
    # surface analysis (XPS, AFM, topography) and its `analyze` kinds: analysis numerics only
    "solidna.analysis.xps": 3,
    "solidna.analysis.afm": 3,
    "solidna.analysis.topography": 3,
    "solidna.analysis.surface_pipeline": 3,
    "solidna.reproduce": 9,
    # design-space sweeps run many cells (Dask, Zarr) and draw their maps
    "solidna.sweep": 9,
    "solidna.cli": 10,
    # the package root is the curated public API
    "solidna": 11,
}

# Names that may be imported from the package root by any layer.
ROOT_CONSTANTS = {"__version__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    assert matches, f"{module} belongs to no layer: add it to LAYERS in {__file__}"
    return LAYERS[max(matches, key=len)]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported solidna module) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("solidna")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "solidna":
                # `from solidna import x`: x is a submodule, or a constant of the root
                found += [
                    (node.lineno, f"solidna.{a.name}")
                    for a in node.names
                    if a.name not in ROOT_CONSTANTS
                ]
            elif node.module.startswith("solidna."):
                found.append((node.lineno, node.module))
    return found


def _upward_imports() -> list[str]:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        own = _layer(module)
        for line, imported in _imports(path):
            if _layer(imported) > own:
                problems.append(
                    f"{path.relative_to(SRC.parent)}:{line}: {module} (layer {own}) imports "
                    f"{imported} (layer {_layer(imported)})"
                )
    return problems


def test_every_module_has_a_layer() -> None:
    for path in SRC.rglob("*.py"):
        _layer(_module_name(path))


def test_layers_import_only_downward() -> None:
    problems = _upward_imports()
    assert not problems, "upward imports:\n" + "\n".join(problems)


def test_the_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upward import in a low layer is caught."""
    fake = tmp_path / "solidna"
    (fake / "materials").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "materials" / "__init__.py").write_text("")
    (fake / "materials" / "bad.py").write_text(
        "def f():\n    from solidna.cells import SymmetricCell\n    return SymmetricCell\n"
    )
    monkeypatch.setattr(__import__(__name__), "SRC", fake, raising=False)
    globals()["SRC"], saved = fake, SRC
    try:
        problems = _upward_imports()
    finally:
        globals()["SRC"] = saved
    assert len(problems) == 1 and "solidna.materials.bad" in problems[0]


def test_the_package_root_loads_its_public_names_on_first_use() -> None:
    """`import solidna` (and so the command line's start) loads no pint, pandas, scipy or
    PyBaMM; every public name and subpackage still resolves, and a misspelt one is an
    AttributeError naming it."""
    import subprocess
    import sys

    code = """
import sys
import solidna as sd
heavy = [m for m in ("pint", "pandas", "scipy", "pybamm") if m in sys.modules]
assert not heavy, heavy
for name in sd.__all__:
    assert getattr(sd, name) is not None, name
    assert name in dir(sd), name
assert sd.SymmetricCell.__module__ == "solidna.cells.symmetric"
assert sd.protocols.RateTest.__name__ == "RateTest"
try:
    sd.SymetricCell
except AttributeError as exc:
    assert "SymetricCell" in str(exc)
else:
    raise AssertionError("no AttributeError")
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_command_line_starts_without_the_numerical_stack() -> None:
    """`solidna --help` imports the CLI only: pint's registry, pandas, scipy and PyBaMM wait
    for the command that needs them (0.14 s instead of 1.1 s; benchmarks/bench_startup.py)."""
    import subprocess
    import sys

    code = (
        "import sys, solidna.cli\n"
        "print([m for m in ('pint', 'pandas', 'scipy', 'pybamm') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
