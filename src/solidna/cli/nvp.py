"""``solidna simulate nvp``: Na|SSE|Na3V2(PO4)3 cells (Fig. S31) from the command line.

A thin layer over :class:`solidna.cells.nvp.NVPCell`; registered by :mod:`solidna.cli` through
``EXTENSION_MODULES``. Writes ``DIR/timeseries.csv`` (``Time [h]``, ``Current density
[mA.cm-2]``, ``Voltage [V]``, ``Cycle``), ``DIR/summary.json`` (inputs with units, per-cycle
capacities, retention, status) and ``DIR/capacity.png``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "NVPProtocol"]


class NVPProtocol(StrEnum):
    """What ``solidna simulate nvp`` runs."""

    cycling = "cycling"
    rate = "rate"


def register(app: typer.Typer, simulate_app: typer.Typer) -> None:
    """Add ``simulate nvp`` to ``simulate_app`` (``app`` is unused: no top-level command)."""
    del app

    @simulate_app.command("nvp")
    def simulate_nvp(
        protocol: Annotated[
            NVPProtocol,
            typer.Option("--protocol", help="cycling (Fig. S31, 200 cycles) or rate (rate test)."),
        ] = NVPProtocol.cycling,
        c_rate: Annotated[
            str, typer.Option("--c-rate", help='cycling: e.g. "1 C" or 0.5 (1 C = 117.6 mA/g).')
        ] = "1 C",
        cycles: Annotated[int, typer.Option("--cycles", help="cycling: number of cycles.")] = 200,
        c_rates: Annotated[
            str,
            typer.Option("--c-rates", help='rate: comma-separated, e.g. "0.1,0.2,0.5,1,2,0.1".'),
        ] = "0.1,0.2,0.5,1,2,0.1",
        cycles_per_rate: Annotated[
            int, typer.Option("--cycles-per-rate", help="rate: cycles at each C-rate.")
        ] = 5,
        lower_cutoff: Annotated[
            str, typer.Option("--lower-cutoff", help='e.g. "2.5 V".')
        ] = "2.5 V",
        upper_cutoff: Annotated[
            str, typer.Option("--upper-cutoff", help='e.g. "3.8 V" (below the SSE limit 4.86 V).')
        ] = "3.8 V",
        anode: Annotated[
            str, typer.Option("--anode", help="modified (M-Na, FEC-treated) or pristine.")
        ] = "modified",
        temperature: Annotated[
            str, typer.Option("--temperature", help='e.g. "25 degC".')
        ] = "25 degC",
        sse_thickness: Annotated[
            str | None, typer.Option("--sse-thickness", help='e.g. "60 um" (default: set value).')
        ] = None,
        pvdf_ratio: Annotated[
            float | None, typer.Option("--pvdf-ratio", help="PVDF-HFP : SN weight ratio (0.8).")
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("simulation"),
        force: Annotated[
            bool, typer.Option("--force", help="Overwrite files in a non-empty --out.")
        ] = False,
    ) -> None:
        """Galvanostatic cycling or a rate test of a Na|SSE|Na3V2(PO4)3 cell (Fig. S31)."""
        from solidna.cells.nvp import NVPCell
        from solidna.cli import console
        from solidna.io_utils import prepare_output_dir
        from solidna.protocols.nvp import GalvanostaticCycling, RateTest

        if protocol is NVPProtocol.cycling:
            step = GalvanostaticCycling(c_rate, cycles, lower_cutoff, upper_cutoff)
        else:
            rates = [r.strip() for r in c_rates.split(",") if r.strip()]
            step = RateTest(rates, cycles_per_rate, lower_cutoff, upper_cutoff)
        cell = NVPCell(
            anode, temperature=temperature, sse_thickness=sse_thickness, pvdf_ratio=pvdf_ratio
        )
        prepare_output_dir(out, force)
        with console.status(f"simulating the {protocol.value} protocol ..."):
            result = cell.run(step)
        result.save(out, force=True)  # --out was checked before the run
        q = result.discharge_capacity()
        console.print(
            f"[bold]Na|SSE|NVP ({cell.anode})[/bold]: status [cyan]{result.status}[/cyan]"
        )
        console.print(
            f"  cycles: {len(q)}; discharge capacity first {q.iloc[0]:.1f} mAh/g, last "
            f"{q.iloc[-1]:.1f} mAh/g; retention {result.retention():.3f}"
        )
        console.print(f"  written: {out}/timeseries.csv, summary.json, capacity.png")
