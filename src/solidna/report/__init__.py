"""Reports and figure style: the HTML report of ``solidna reproduce`` and the shared plot look."""

from solidna.report.html import format_pass, format_tol, format_value, summarize, write_report
from solidna.report.style import (
    MODEL_LINE,
    MODIFIED,
    PALETTE,
    PAPER_MARKER,
    PAPER_SCATTER,
    PRISTINE,
    apply_style,
)

__all__ = [
    "write_report",
    "format_value",
    "format_tol",
    "format_pass",
    "summarize",
    "apply_style",
    "PRISTINE",
    "MODIFIED",
    "PALETTE",
    "MODEL_LINE",
    "PAPER_MARKER",
    "PAPER_SCATTER",
]
