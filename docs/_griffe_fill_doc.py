"""Griffe extension for the API reference: docstrings filled by ``solidna._docstrings.fill_doc``.

mkdocstrings reads docstrings from the source (static analysis), where a shared description
stands as a placeholder line such as ``%(parameters)s``. For every function or class whose source
docstring holds one, this extension imports the object and takes its filled runtime docstring,
so the reference shows the same Parameters sections as ``help()``. Everything else keeps the
static analysis. Loaded by mkdocs.yml (``extensions`` of the python handler).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import griffe

_PLACEHOLDER = re.compile(r"^\s*%\([^)]+\)s\s*$", re.M)


class FilledDocstrings(griffe.Extension):
    """Replace a source docstring that has ``%(...)s`` placeholders by the runtime one."""

    def _fill(self, obj: griffe.Object) -> None:
        if obj.docstring is None or not _PLACEHOLDER.search(obj.docstring.value):
            return
        runtime = griffe.dynamic_import(obj.path)
        doc = inspect.getdoc(runtime)
        if not doc or _PLACEHOLDER.search(doc):
            raise ValueError(f"{obj.path}: docstring placeholders not filled at runtime")
        obj.docstring.value = doc

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        self._fill(func)

    def on_class(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        self._fill(cls)
