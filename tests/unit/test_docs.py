"""The documentation's promises that a unit test can check without building the site.

`make docs` builds the site in strict mode (CI runs it): a failing tutorial block, a broken
link or an unresolved API reference fails there. Here: every public function and class that
the package exports, and everything the API reference renders, has a docstring with a NumPy
``Parameters`` section where it takes arguments; every page in the navigation exists.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
API_PAGE = ROOT / "docs" / "reference" / "api.md"


def _public_objects():
    """(label, object) for every public callable of the package: the names in each module's
    ``__all__`` defined in that module, and the public methods of its classes (the command line
    has its own reference, generated from the command definitions)."""
    import pkgutil

    import solidna

    for info in pkgutil.walk_packages(solidna.__path__, "solidna."):
        private = any(part.startswith("_") for part in info.name.split("."))
        if info.name.startswith("solidna.cli") or private:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if not callable(obj) or getattr(obj, "__module__", "") != info.name:
                continue
            yield f"{info.name}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{info.name}.{name}.{attr}", member


def _undocumented(objects) -> list[str]:
    """What is wrong with the docstring of each (label, object): none, or no Parameters section."""
    missing = []
    for label, obj in objects:
        doc = inspect.getdoc(obj) or ""
        if not doc.strip():
            missing.append(f"{label}: no docstring")
        elif inspect.isfunction(obj):
            args = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
            if args and "Parameters\n----------" not in doc:
                missing.append(f"{label}: takes {args} but has no 'Parameters' section")
    return missing


def test_every_public_callable_has_a_numpy_docstring():
    missing = _undocumented(_public_objects())
    assert not missing, "\n".join(missing)


def test_shared_docstring_entries_are_filled_everywhere():
    # a %(name)s placeholder left in a docstring would show as such in help() and the API pages
    placeholder = re.compile(r"^\s*%\([^)]+\)s\s*$", re.M)
    left = [label for label, obj in _public_objects() if placeholder.search(obj.__doc__ or "")]
    assert not left, f"docstrings with unfilled placeholders: {left}"


def test_fill_doc_writes_entries_and_whole_sections():
    from solidna._docstrings import DOCS, fill_doc

    @fill_doc
    def f(parameters=None, temperature_K=298.15):
        """Summary.

        Parameters
        ----------
        %(parameters)s
        temperature_K : float
            Temperature [K]; 5 % is not a placeholder.

        %(Returns: files_written)s
        """

    doc = inspect.getdoc(f)
    entry = DOCS["parameters"].splitlines()
    assert f"Parameters\n----------\n{entry[0]}\n{entry[1]}\ntemperature_K" in doc
    assert "Returns\n-------\nlist of pathlib.Path\n    The files written." in doc
    assert "5 % is not a placeholder" in doc

    def g():
        """%(no such entry)s"""

    with pytest.raises(KeyError, match="no such entry"):
        fill_doc(g)


def test_the_api_reference_renders_every_public_module():
    # every module that defines public names has its own block on the API page
    rendered = set(re.findall(r"^::: (\S+)", API_PAGE.read_text(), re.M))
    modules = {obj.__module__ for _label, obj in _public_objects() if not _is_method(obj)}
    missing = sorted(modules - rendered)
    assert not missing, f"modules with public names not rendered in {API_PAGE.name}: {missing}"


def _is_method(obj) -> bool:
    return inspect.isfunction(obj) and "." in obj.__qualname__


def _nav_pages(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


def test_every_page_in_the_navigation_exists():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    pages = list(_nav_pages(config["nav"]))
    assert pages, "mkdocs.yml has no navigation"
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), page


@pytest.mark.parametrize("page", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: p.name)
def test_executed_blocks_include_the_figure_helper_before_using_it(page):
    # A tutorial block that calls show() or table() in a session that never included
    # docs/_show.py fails only at build time; catch it here, per page.
    text = page.read_text()
    uses = re.search(r"\b(show|table|set_table)\(", text)
    if uses and "```python exec" in text:
        assert '--8<-- "docs/_show.py"' in text, page
