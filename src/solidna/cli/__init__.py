"""The ``solidna`` command: a thin layer over the Python API (typer for options, rich for output).

One module per command group: :mod:`~solidna.cli.simulate` (symmetric, cv, eis, na-co2, nvp),
:mod:`~solidna.cli.analyze`, :mod:`~solidna.cli.calibrate`, :mod:`~solidna.cli.reproduce`,
:mod:`~solidna.cli.screen` and :mod:`~solidna.cli.info` (parameters, targets, version); what they
share (option types, ``--out``/``--force``, progress display) is in :mod:`solidna.cli._common`.

Every command calls a public function and only formats what it returns. Whatever the user types,
the answer is a message, never a traceback:

- a :class:`~solidna.errors.SolidnaError` (bad value, unknown prefix, existing output directory)
  or a bad option is one ``Error: ...`` line on stderr, exit status 2;
- a file-system error (permission denied, disk full) is one line, exit status 2;
- Ctrl-C prints ``Interrupted.``, exit status 130; a run's output directory is left as it was;
- anything else is a bug: one line saying so, exit status 70 (``SOLIDNA_DEBUG=1`` shows the
  traceback).

Warnings print as one ``Warning: ...`` line; the solver's log lines are not shown.
"""

from __future__ import annotations

import os

# Before anything imports pybamm or matplotlib: no telemetry prompt, no GUI backend.
# setdefault keeps a user's explicit choice.
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")

import contextlib  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from typing import Annotated, Any  # noqa: E402

import typer  # noqa: E402
from typer._click import exceptions as click_errors  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from solidna.cli import analyze, calibrate, info, reproduce, screen, simulate, sweep  # noqa: E402
from solidna.cli._common import (  # noqa: E402
    INTERNAL_ERROR_EXIT,
    INTERRUPTED_EXIT,
    USER_ERROR_EXIT,
    err_console,
    print_error,
    print_warning,
)
from solidna.errors import SolidnaError  # noqa: E402

__all__ = ["app", "main", "simulate_app", "DEBUG_ENV"]

#: Set to 1 to see the traceback of an unexpected error (and the solver's log lines).
DEBUG_ENV = "SOLIDNA_DEBUG"

# pybamm's own logger (``pybamm.logger``) writes solver messages straight to stderr
_SOLVER_LOGGERS = ("pybamm", "pybamm.logger")


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


class _DropAll(logging.Filter):
    """Drops every record: pybamm resets its logger's level when imported, a filter stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


_DROP = _DropAll()


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` without the source path and code line."""
    print_warning(str(message))


@contextlib.contextmanager
def _quiet_and_clean() -> Iterator[None]:
    """While a command runs: no solver log lines, and warnings as one ``Warning: ...`` line."""
    debug = _debug()
    loggers = [logging.getLogger(name) for name in _SOLVER_LOGGERS]
    if not debug:
        for logger in loggers:
            logger.addFilter(_DROP)
    with warnings.catch_warnings():
        if not debug:
            warnings.showwarning = _one_line_warning
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeFilter(_DROP)


def _os_error_message(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = f" '{exc.filename}'" if exc.filename else ""
    return f"{reason}{where}."


# what typer raises to end a command on purpose, or for a bad command line (typer carries its
# own copy of click, so these are not the exceptions of the click package)
_PASS_THROUGH = (typer.exceptions.TyperException, typer.Exit, typer.Abort)


class _SolidnaGroup(TyperGroup):
    """Root group: turns errors into one-line messages with the documented exit statuses.

    Sub-commands and sub-groups run inside this ``invoke``, so they are covered without any
    code of their own; errors of the command line itself (unknown option, bad value) are
    formatted in :meth:`main`.
    """

    def invoke(self, ctx: typer.Context) -> Any:
        with _quiet_and_clean():
            try:
                return super().invoke(ctx)
            except _PASS_THROUGH:
                raise
            except SolidnaError as exc:
                print_error(str(exc))
                raise typer.Exit(USER_ERROR_EXIT) from None
            except KeyboardInterrupt:
                err_console.print("Interrupted.", style="red")
                raise typer.Exit(INTERRUPTED_EXIT) from None
            except OSError as exc:  # the user's file system: permissions, disk full ...
                if _debug():
                    raise
                print_error(_os_error_message(exc))
                raise typer.Exit(USER_ERROR_EXIT) from None
            except Exception as exc:
                if _debug():
                    raise
                print_error(
                    f"unexpected {type(exc).__name__}: {exc}. This is a bug in solidna; please "
                    f"report it with the command you ran (rerun with {DEBUG_ENV}=1 to see the "
                    "traceback)."
                )
                raise typer.Exit(INTERNAL_ERROR_EXIT) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()  # the help text itself
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            print_error(exc.format_message())
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                err_console.print(f"Try '{ctx.command_path} -h' for help.", style="dim")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err_console.print("Aborted.", style="red")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _print_version(value: bool) -> None:
    if value:
        from solidna import __version__

        typer.echo(f"solidna {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="solidna",
    cls=_SolidnaGroup,
    help="The all-solid-state Na-CO2 battery of Lu et al. (Chem. Sci. 2019) in software.",
    no_args_is_help=True,
    add_completion=False,
    # plain click help: wraps at the terminal width without cutting option names, and keeps
    # unit brackets such as [mA.cm-2] that rich markup would swallow
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The all-solid-state Na-CO2 battery of Lu et al. (Chem. Sci. 2019) in software."""


for _module in (simulate, analyze, calibrate, reproduce, screen, sweep, info):
    _module.register(app)

#: ``solidna simulate ...`` (kept importable under its former name).
simulate_app = simulate.app


def main() -> None:
    """Entry point of the ``solidna`` console script."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MPLBACKEND", "Agg")
    if not _debug():  # also for warnings raised outside a command (while importing)
        for name in _SOLVER_LOGGERS:
            logging.getLogger(name).addFilter(_DROP)
        warnings.showwarning = _one_line_warning
    try:
        app(prog_name="solidna")
    except SolidnaError as exc:  # safety net: errors raised outside a command's invoke
        print_error(str(exc))
        sys.exit(USER_ERROR_EXIT)
    except KeyboardInterrupt:  # Ctrl-C while the command line is read
        err_console.print("Interrupted.", style="red")
        sys.exit(INTERRUPTED_EXIT)


if __name__ == "__main__":
    main()
