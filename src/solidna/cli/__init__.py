"""The ``solidna`` command: a thin layer over the Python API (typer for options, rich for output).

One module per command group: :mod:`~solidna.cli.simulate` (symmetric, cv, eis, na-co2, nvp),
:mod:`~solidna.cli.analyze`, :mod:`~solidna.cli.calibrate`, :mod:`~solidna.cli.reproduce`,
:mod:`~solidna.cli.screen` and :mod:`~solidna.cli.info` (parameters, targets, version); what they
share (option types, ``--out``/``--force``, progress display) is in :mod:`solidna.cli._common`.

Every command calls a public function and only formats what it returns. Whatever the user types,
the answer is a message, never a traceback:

- a :class:`~solidna.errors.SolidnaError` (bad value, unknown prefix, existing output directory)
  or a bad option is one ``Error: ...`` line on stderr, exit status 2;
- a solver or fit that does not converge on accepted input
  (:class:`~solidna.errors.ConvergenceError`) is one ``Error: ...`` line, exit status 1;
- a file-system error (permission denied, disk full) is one line, exit status 2;
- Ctrl-C (or SIGTERM) prints ``Interrupted.``, exit status 130; a run's output directory is
  left as it was;
- a reader of the output that goes away (``solidna targets | head -3``) stops the command
  quietly, exit status 141 (128 + SIGPIPE, as for other tools);
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

import codecs  # noqa: E402
import contextlib  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from typing import Annotated, Any  # noqa: E402

import typer  # noqa: E402
from typer._click import exceptions as click_errors  # noqa: E402
from typer.core import TyperArgument, TyperGroup  # noqa: E402

from solidna.cli import analyze, calibrate, info, reproduce, screen, simulate, sweep  # noqa: E402
from solidna.cli._common import (  # noqa: E402
    CTRL_C,
    FAILED_RUN_EXIT,
    INTERNAL_ERROR_EXIT,
    INTERRUPTED_EXIT,
    PIPE_CLOSED_EXIT,
    PLAIN_ERRORS,
    USER_ERROR_EXIT,
    err_console,
    option_flag,
    plain_error,
    print_error,
    print_warning,
    reader_gone,
)
from solidna.errors import ConvergenceError, SolidnaError  # noqa: E402

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
    """``warnings.showwarning`` without the source path and code line; inside a command, in the
    names of its options (``--pvdf-ratio``, not ``pvdf_ratio``)."""
    command = _SolidnaGroup.running
    text = str(message)
    print_warning(_option_words(text, command) if command is not None else text)


def _terminated(signum: int, frame: Any) -> None:
    CTRL_C.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def _stop_like_ctrl_c() -> Iterator[None]:
    """While a command runs, SIGTERM (``kill``, ``timeout``, a batch system's time limit) stops
    it as Ctrl-C does: the staging directory is removed and --out is left as it was (the
    default action ended the process at once and left ``.OUT.solidna-staging-*`` behind).

    Both signals also set :data:`~solidna.cli._common.CTRL_C`, so that a KeyboardInterrupt
    swallowed by the code it landed in (a compiled module's import turns it into ImportError)
    still stops the command at its next progress report."""
    CTRL_C.clear()
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    # a job started in the background by a script ignores Ctrl-C (SIG_IGN): it stays so; None
    # is a handler set outside Python, which could not be put back
    previous_int = signal.getsignal(signal.SIGINT)
    own_int = previous_int not in (signal.SIG_IGN, None)
    if own_int:
        signal.signal(signal.SIGINT, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if own_int:
            signal.signal(signal.SIGINT, previous_int)


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


# SUNDIALS (IDAS, behind pybamm's IDAKLU solver) prints its errors from C:
# "[ERROR][rank 0][/project/sundials/src/idas/idas.c:5745][IDAHandleFailure] At t = 0 ..."
_SUNDIALS_LINE = re.compile(rb"^\[(ERROR|WARNING)\]\[rank \d+\]")


def _pump(source: int, target: int) -> None:
    """Copy the lines written to ``source`` to ``target``, without the solver's own lines."""
    with contextlib.suppress(OSError), os.fdopen(source, "rb") as lines:
        for line in lines:
            if not _SUNDIALS_LINE.match(line):
                # a failed write drops the line but keeps draining the pipe: a pump that
                # stopped would leave every later writer to stderr blocked on a full pipe
                with contextlib.suppress(OSError):
                    os.write(target, line)


@contextlib.contextmanager
def _solver_lines_hidden() -> Iterator[None]:
    """While a command runs, hide the lines the solver's C code writes to file descriptor 2
    (no logging filter reaches them); the failure itself reaches the user as the cell's one
    ``Error:`` line. solidna's own messages go to a copy of the terminal's stderr, so progress
    bars still see a terminal. Inactive with SOLIDNA_DEBUG=1, or when stderr is not file
    descriptor 2 (tests capture it)."""
    try:
        active = not _debug() and sys.stderr.fileno() == 2
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        active = False
    if not active:
        yield
        return
    sys.stderr.flush()
    terminal = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    pump = threading.Thread(target=_pump, args=(read_end, terminal), daemon=True)
    pump.start()
    original = sys.stderr
    sys.stderr = io.TextIOWrapper(
        io.FileIO(terminal, "w", closefd=False),
        encoding=original.encoding,
        errors=original.errors,
        line_buffering=True,
    )
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr = original
        os.dup2(terminal, 2)  # closes the pipe's last writer here: the pump reads to its end
        pump.join(timeout=2.0)  # a child process may keep the pipe open: do not wait for it


def _os_error_message(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = f" '{exc.filename}'" if exc.filename else ""
    return f"{reason}{where}."


def _quote_hint(exc: Exception, args: Sequence[str]) -> str:
    """For "Got unexpected extra argument(s) (C)" after ``--c-rate 2 C``: the shell split a value
    with a space in two; say how to quote it ("" when that is not what happened)."""
    found = re.match(
        r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", str(exc.format_message())
    )
    if not found:
        return ""
    first = found.group(1).split()[0]
    for i in range(2, len(args)):
        flag, value = args[i - 2], args[i - 1]
        if args[i] == first and flag.startswith("--") and "=" not in flag and value[:1] != "-":
            return (
                f". If '{value} {first}' is the value of {flag}, put it in quotes: "
                f"{flag} '{value} {first}'."
            )
    return ""


def _leaf(group: Any, args: Sequence[str]) -> Any:
    """The command that ``args`` invoke (the deepest group when no sub-command is named)."""
    command = group
    for arg in args:
        if arg.startswith("-"):
            continue
        sub = getattr(command, "commands", {}).get(arg)
        if sub is None:
            break
        command = sub
    return command


def _option_words(message: str, command: Any) -> str:
    """``message`` with the API's argument names (``v_min``, ``pvdf_ratio``) spelled as the
    command's options (``--v-min``, ``--pvdf-ratio``): on the command line an error speaks in
    the names the user typed. A name with an underscore is replaced wherever it stands; a plain
    word ("capacity", "area") only as a keyword (``sheet=``) or as the subject that starts the
    message (``"area: give one value ..."``), since as a word it reads the same in both;
    :data:`API_NAMES` adds the arguments an option carries under another name."""
    # a message written for both ("--force (CLI) / force=True (Python)") keeps the CLI's part
    message = _BOTH.sub(r"\1", message)
    message = _BOTH_SHORT.sub(r"\2", message)  # "area= / --area"
    names = {
        param.name: option_flag(param.name)
        for param in getattr(command, "params", [])
        if param.name and option_flag(param.name) in getattr(param, "opts", ())
    }
    # the API's other names only in their keyword form ("discharge_cutoff='1 V'"): as a plain
    # word the name may be the API's on purpose (a list of the arguments passed)
    for name, flag in API_NAMES.get(getattr(command, "name", ""), {}).items():
        message = _keyword_as_flag(message, name, flag)
    for name, flag in names.items():
        message = _keyword_as_flag(message, name, flag)
        if "_" in name:
            message = re.sub(rf"(?<![\w-]){re.escape(name)}(?!\w)", flag, message)
        elif message.startswith(f"{name}: "):  # "area: give one value for all files ..."
            message = flag + message[len(name) :]
    return message


def _keyword_as_flag(message: str, name: str, flag: str) -> str:
    """``message`` with the keyword ``name=`` as Python writes it spelled as the option ``flag``:
    "Drop sheet=." reads "Drop --sheet.", "Example: v_min='-0.5 V'" "Example: --v-min='-0.5 V'"."""
    message = re.sub(rf"(?<![\w-]){re.escape(name)}=(?=[\s.,;)]|$)", flag, message)
    return re.sub(rf"(?<![\w-]){re.escape(name)}=(?=\S)", f"{flag}=", message)


#: The API's argument names that a command's option carries under another name (command name ->
#: {argument: flag}): ``simulate na-co2 --cutoff`` is ``discharge_cutoff`` of NaCO2Cell.cycle.
#: ``analyze --column`` is ``columns`` of solidna.analysis.pipeline.analyze (and of read).
API_NAMES: dict[str, dict[str, str]] = {
    "na-co2": {"discharge_cutoff": "--cutoff"},
    "analyze": {"columns": "--column"},
}

_BOTH_SHORT = re.compile(r"\b([a-z_]+)= / (--[\w-]+)")


_BOTH = re.compile(r"(--[\w-]+) \(CLI\) / \S+ \(Python\)")


_SENTENCE_END = re.compile(r"(?<!Fig)(?<!e\.g)(?<!i\.e)(?<!vs)\.(?:\s|$)")


def _no_type(ctx: Any = None) -> str:
    return ""


def _usage_name(param: Any) -> str:
    """An argument in the usage line as click writes it: ``SPEC``, ``[STEP]``, ``FILE...``,
    ``[MOLECULE]...`` (typer 0.29 writes a required one in braces, ``{FILE...}...``)."""
    name = (param.metavar or (param.name or "").upper()).removesuffix("...")
    shown = name if param.required else f"[{name}]"
    return shown + ("..." if param.nargs != 1 else "")


def _metavar(desc: Any) -> str:
    """A plain metavar for an option typer would show as ``<int range>`` or ``<str>``."""
    if desc.is_choice and desc.choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices) + "]"
    if desc.is_path:
        return "PATH"
    return {int: "N", float: "NUMBER"}.get(desc.annotation, "TEXT")


def _tidy_help(command: Any) -> None:
    """Help that reads well: every command's short help is its first sentence (click's own cuts
    the text at the first word ending with a point, which leaves "Cyclic voltammetry of a
    Na|SSE|Na cell (Fig." in the command list), and arguments and options are shown by their
    name and a plain metavar (typer shows the Python type: "MOLECULE <list[str]>",
    "--workers <int range>")."""
    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument):
            param.display_type_rich = _no_type
            if param.metavar is None:  # "SPEC", not "spec" (in --help and in errors)
                param.metavar = (param.name or "").upper()
            param._usage_display_name = functools.partial(_usage_name, param)
        elif param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = _metavar(param.type_descriptor)
    for sub in getattr(command, "commands", {}).values():
        if sub.short_help is None and sub.help:
            first = sub.help.strip().split("\n\n")[0]
            end = _SENTENCE_END.search(first)
            sub.short_help = " ".join((first[: end.start() + 1] if end else first).split())
        _tidy_help(sub)


# what typer raises to end a command on purpose, or for a bad command line (typer carries its
# own copy of click, so these are not the exceptions of the click package)
_PASS_THROUGH = (typer.exceptions.TyperException, typer.Exit, typer.Abort)


class _SolidnaGroup(TyperGroup):
    """Root group: turns errors into one-line messages with the documented exit statuses.

    Sub-commands and sub-groups run inside this ``invoke``, so they are covered without any
    code of their own; errors of the command line itself (unknown option, bad value) are
    formatted in :meth:`main`.
    """

    _args: list[str] = []  # the command line, set by main (to name options in errors)
    #: the command that runs (to name options in warnings), None outside a command
    running: Any = None

    def invoke(self, ctx: typer.Context) -> Any:
        with _quiet_and_clean(), _stop_like_ctrl_c(), _solver_lines_hidden():
            _SolidnaGroup.running = _leaf(self, self._args)
            try:
                return super().invoke(ctx)
            except _PASS_THROUGH:
                raise
            except SolidnaError as exc:
                print_error(_option_words(str(exc), _leaf(self, self._args)))
                failed = isinstance(exc, ConvergenceError)
                raise typer.Exit(FAILED_RUN_EXIT if failed else USER_ERROR_EXIT) from None
            except KeyboardInterrupt:
                err_console.print("Interrupted.", style="red")
                raise typer.Exit(INTERRUPTED_EXIT) from None
            except BrokenPipeError:  # the reader of stdout went away (`| head`)
                reader_gone()
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
            finally:
                _SolidnaGroup.running = None

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # `solidna -h | head -3`: the help is printed while the command line is parsed, before
        # invoke; click's own handler exits with status 1 there
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            reader_gone()

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        self._args = list(sys.argv[1:] if args is None else args)
        _tidy_help(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()  # the help text itself
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            _close_options_only(exc)
            print_error(exc.format_message() + _quote_hint(exc, self._args))
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                err_console.print(f"Try '{ctx.command_path} -h' for help.", style="dim")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err_console.print("Aborted.", style="red")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _close_options_only(exc: click_errors.ClickException) -> None:
    """Keep only close names among click's suggestions for an unknown option: its difflib
    answered ``--frequencies`` with "Possible options: --force" and ``--temp`` with "--help,
    --temperature" (:func:`solidna.errors.closest_matches`, as the API's "did you mean")."""
    ctx = getattr(exc, "ctx", None)
    if not isinstance(exc, click_errors.NoSuchOption) or ctx is None:
        return
    from solidna.errors import closest_matches

    flags = [flag for param in ctx.command.params for flag in (*param.opts, *param.secondary_opts)]
    exc.possibilities = closest_matches(exc.option_name, [f for f in flags if f.startswith("--")])


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


def _plain_text_streams() -> None:
    """Let stdout and stderr print what their encoding lacks.

    Under a locale that is not UTF-8 (``LC_ALL=C`` with Python's UTF-8 mode off, a Latin-1
    locale) the "±" of ``solidna parameters`` or the "—" of an empty cell ended the command with
    "unexpected UnicodeEncodeError ... a bug in solidna", exit 70. Such characters now print as a
    plain stand-in ("+/-", "-"); rich itself draws ASCII table borders there. A UTF-8 stream is
    left alone.
    """
    try:
        codecs.lookup_error(PLAIN_ERRORS)
    except LookupError:
        codecs.register_error(PLAIN_ERRORS, plain_error)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None:
            continue
        with contextlib.suppress(LookupError):
            if codecs.lookup(encoding).name == "utf-8":
                continue
        with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
            reconfigure(errors=PLAIN_ERRORS)


def main() -> None:
    """Entry point of the ``solidna`` console script."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MPLBACKEND", "Agg")
    _plain_text_streams()
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
    finally:
        # what is still buffered (a short --format csv) is written here; a reader that went away
        # meanwhile is a quiet stop, not "Exception ignored ... BrokenPipeError" at exit
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            with contextlib.suppress(typer.Exit):
                reader_gone()
            sys.exit(PIPE_CLOSED_EXIT)


if __name__ == "__main__":
    main()
