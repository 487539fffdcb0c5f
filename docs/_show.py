# Included (pymdownx.snippets) at the top of every executed page: draws a matplotlib figure
# into the page as an embedded PNG, so the page shows the figure the code just made.
import base64 as _b64
import io as _io
import os as _os

import matplotlib

matplotlib.use("Agg")


def show(fig, alt="figure"):
    """Embed a matplotlib figure, or a PNG file given by its path, in the page."""
    if isinstance(fig, (str, _os.PathLike)):
        with open(fig, "rb") as handle:
            png = handle.read()
    else:
        buffer = _io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        png = buffer.getvalue()
    data = _b64.b64encode(png).decode("ascii")
    print(f'<img alt="{alt}" src="data:image/png;base64,{data}">')


def table(frame, digits=4):
    """Print a pandas DataFrame as a Markdown table (numbers to ``digits`` significant figures)."""
    frame = frame.reset_index()
    print("| " + " | ".join(str(c) for c in frame.columns) + " |")
    print("|" + "---|" * len(frame.columns))
    for row in frame.itertuples(index=False):
        cells = [
            f"{v:.{digits}g}" if isinstance(v, float) else str(v).replace("|", "/") for v in row
        ]
        print("| " + " | ".join(cells) + " |")


def set_table(*files):
    """Print the provenance of the Lu 2019 entries defined in the given TOML files of the set."""
    import tomllib

    import solidna as sd
    from solidna.parameters.parameter_set import set_directory

    names = []
    for file in files:
        with open(set_directory("lu2019") / file, "rb") as handle:
            names += list(tomllib.load(handle).get("parameters", {}))
    table(sd.lu2019().provenance().loc[names])
