"""`solidna simulate na-co2`: full discharges and capacity-limited cycling of the Na-CO2 cell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer, simulate_app: typer.Typer) -> None:
    """Add ``simulate na-co2`` to the CLI."""

    @simulate_app.command("na-co2")
    def simulate_na_co2(
        mode: Annotated[
            str, typer.Option("--mode", help="discharge (to the cut-off) or cycle.")
        ] = "cycle",
        current: Annotated[
            str, typer.Option("--current", help='per gram of MWCNT, e.g. "200 mA/g".')
        ] = "200 mA/g",
        capacity: Annotated[
            str, typer.Option("--capacity", help='per half cycle, e.g. "1000 mAh/g".')
        ] = "1000 mAh/g",
        cycles: Annotated[int, typer.Option("--cycles")] = 50,
        cutoff: Annotated[
            str, typer.Option("--cutoff", help='discharge cut-off, e.g. "1.5 V".')
        ] = "1.5 V",
        charge_cutoff: Annotated[
            str,
            typer.Option("--charge-cutoff", help='e.g. "4.5 V" (at most the SSE limit, 4.86 V).'),
        ] = "4.8 V",
        anode: Annotated[
            str, typer.Option("--anode", help="modified (M-Na) or pristine.")
        ] = "modified",
        temperature: Annotated[str, typer.Option("--temperature")] = "25 degC",
        sse_thickness: Annotated[
            str | None, typer.Option("--sse-thickness", help='e.g. "60 um".')
        ] = None,
        co2_pressure: Annotated[
            str | None, typer.Option("--co2-pressure", help='e.g. "1 bar".')
        ] = None,
        out: Annotated[Path, typer.Option("--out")] = Path("simulation"),
        force: Annotated[bool, typer.Option("--force")] = False,
    ) -> None:
        """Na-CO2 cell (Fig. 5): full discharge, or capacity-limited cycling (mA/g, mAh/g)."""
        from rich.console import Console

        from solidna.cells.na_co2 import NaCO2Cell
        from solidna.errors import check_choice
        from solidna.io_utils import prepare_output_dir

        console = Console()
        check_choice("mode", mode, ("discharge", "cycle"))
        cell = NaCO2Cell(
            anode, temperature=temperature, sse_thickness=sse_thickness, co2_pressure=co2_pressure
        )
        prepare_output_dir(out, force)
        with console.status(f"simulating the Na-CO2 cell ({mode}) ..."):
            if mode == "discharge":
                result = cell.discharge(current, cutoff)
            else:
                result = cell.cycle(current, capacity, cycles, charge_cutoff=charge_cutoff)
        result.save(out, force=True)
        table = result.cycles()
        console.print(f"[bold]Na-CO2[/bold]: status [cyan]{result.status}[/cyan]")
        if mode == "discharge":
            console.print(f"  discharge capacity: {result.discharge_capacity():.0f} mAh/g")
        else:
            first, last = table.iloc[0], table.iloc[-1]
            console.print(
                f"  cycles: {len(table)}; terminal discharge voltage "
                f"{first['Terminal discharge voltage [V]']:.3f} -> "
                f"{last['Terminal discharge voltage [V]']:.3f} V"
            )
        console.print(f"  written: {out}/timeseries.csv, summary.json, voltage.png")
