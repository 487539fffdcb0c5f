"""The generated command-line reference keeps four cells in every row of its option tables."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_rows_keep_their_four_cells():
    """A choice's metavar, ``[table|csv|json]``, outside a code span split its row: Markdown
    then dropped the extra cells, the option's meaning among them (15 rows of --kind, --format,
    --anode, --level, --md, --indenter, --energy-axis)."""
    text = (ROOT / "docs/reference/cli.md").read_text()
    block = re.search(r'```python exec="on"\n(.*?)```', text, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(block, {})
    rows = [line for line in out.getvalue().splitlines() if line.startswith("|")]
    assert len(rows) > 50
    for line in rows:
        cells = re.sub(r"`[^`]*`", "code", line).split("|")
        assert len(cells) == 6, line
