"""Reproduce the paper's experiments in silico: one module per figure, the targets, the comparison."""

# Figure modules, in the order the report lists them. Each defines PREFIXES and run(progress).
FIGURE_MODULES: tuple[str, ...] = (
    "solidna.reproduce.fig1",
    "solidna.reproduce.fig2",
    "solidna.reproduce.fig3",
    "solidna.reproduce.fig4",
    "solidna.reproduce.fig5",
    "solidna.reproduce.figS31",
)

__all__ = ["FIGURE_MODULES"]
