"""What every command shares: consoles, option types, shared options, output and progress display.

Quantities are given as strings with units (``"0.1 mA/cm2"``, ``"60 um"``); :class:`QuantityType`
checks them while the command line is parsed, so a mistake is reported in the option's own name
and in plain words (``--current-density: ... give a current density, e.g. 0.1 mA/cm2``) before
anything runs. The value handed to the Python API is the string as typed, so the run record shows
what the user asked for.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import functools
import inspect
import io
import os
import re
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar, get_type_hints

import typer
from rich.console import Console
from rich.text import Text

from solidna.errors import SolidnaError
from solidna.progress import TimeLeft, format_duration
from solidna.units import MAX_DURATION_S

__all__ = [
    "console",
    "err_console",
    "USER_ERROR_EXIT",
    "INTERRUPTED_EXIT",
    "INTERNAL_ERROR_EXIT",
    "PIPE_CLOSED_EXIT",
    "PLAIN_ERRORS",
    "plain_error",
    "plain_text",
    "reader_gone",
    "argv_text",
    "print_error",
    "print_warning",
    "print_note",
    "one_line",
    "nonempty_text",
    "QuantityKind",
    "QuantityType",
    "AliasChoice",
    "quantity_option",
    "Quantity",
    "Count",
    "NumberType",
    "MAX_COUNT",
    "Switch",
    "Full",
    "choice_option",
    "ANODE_CHOICE",
    "CellOptions",
    "OutputOptions",
    "cell_options",
    "output_options",
    "Only",
    "TableFormat",
    "Format",
    "split_prefixes",
    "print_frame",
    "ProgressDisplay",
    "CTRL_C",
    "accepts_keyword",
    "refuse_unless",
    "refuse_together",
    "given",
    "option_flag",
    "directory_path",
]

#: Exit status when the reader of the output went away (``solidna targets | head -3``): 128 +
#: SIGPIPE, as a shell reports a tool that a closed pipe stopped. No message: the reader chose to
#: stop reading ("Error: Broken pipe." with the user-error status 2 was printed before).
PIPE_CLOSED_EXIT = 141


def reader_gone(stream: Any = None) -> NoReturn:
    """Stop quietly because the pipe ``stream`` (default: stdout) writes to was closed.

    The stream's file descriptor is pointed at ``/dev/null`` so that the interpreter's last flush
    at exit does not fail again ("Exception ignored ... BrokenPipeError"), as the Python manual's
    note on SIGPIPE advises.

    Parameters
    ----------
    stream : file object, optional
        The stream whose reader went away (default: stdout).

    Raises
    ------
    typer.Exit
        Always, with :data:`PIPE_CLOSED_EXIT`.
    """
    stream = sys.stdout if stream is None else stream
    with contextlib.suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    raise typer.Exit(PIPE_CLOSED_EXIT)


#: Plain-text stand-ins for the characters solidna's tables and messages use, for a terminal
#: whose encoding lacks them (the ``solidna`` command registers :func:`plain_error` for them).
_PLAIN = {
    "±": "+/-",
    "—": "-",
    "–": "-",
    "−": "-",
    "µ": "u",
    "μ": "u",
    "°": "deg",
    "²": "2",
    "³": "3",
    "⁻": "-",
    "¹": "1",
    "Ω": "ohm",
    "×": "x",
    "·": ".",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "→": "->",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
}
#: Name of the codec error handler :func:`plain_error`.
PLAIN_ERRORS = "solidna-plain"


def plain_error(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each character the encoding lacks as its plain stand-in, or "?".

    Parameters
    ----------
    exc : UnicodeError
        The encoder's error (a decoder's is raised again).

    Returns
    -------
    tuple of (str, int)
        The stand-in text and the position to go on from.
    """
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_PLAIN.get(ch, "?") for ch in bad), exc.end


def plain_text(text: str, encoding: str) -> str:
    """``text`` with the characters ``encoding`` lacks replaced by their plain stand-ins.

    Parameters
    ----------
    text : str
        Text to show.
    encoding : str
        Encoding of the stream it goes to, e.g. ``"ascii"``.

    Returns
    -------
    str
        ``text`` as that stream can write it.
    """
    return text.encode(encoding, PLAIN_ERRORS).decode(encoding)


class _Console(Console):
    """A rich console that stops quietly with :data:`PIPE_CLOSED_EXIT` when its reader went
    away; rich's own handler exits with status 1 (the status of a failed run here) and always
    redirects stdout, also when the closed pipe was stderr."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        reader_gone(self.file)

    def render_str(self, text: str, **kwargs: Any) -> Any:
        # the stand-ins replace a character before rich measures the text, so that a table's
        # columns stay aligned when "+/-" stands for "±" (replaced while writing, it shifted
        # every later border by two columns)
        encoding = self.encoding
        with contextlib.suppress(LookupError):
            if codecs.lookup(encoding).name != "utf-8":
                codecs.lookup_error(PLAIN_ERRORS)  # registered by the command line only
                text = plain_text(text, encoding)
        return super().render_str(text, **kwargs)


console = _Console(highlight=False)
err_console = _Console(stderr=True, highlight=False)


def argv_text(text: str) -> str:
    """An argument as typed on a UTF-8 terminal, whatever the locale Python started in.

    Under a non-UTF-8 locale (``LC_ALL=C`` with Python's UTF-8 mode off, or a Latin-1 locale)
    Python decodes the bytes of ``"25 °C"`` as ``'25 \\udcc2\\udcb0C'`` (or ``'25 Â°C'``): the
    unit was refused with those codes in the message. Bytes that form valid UTF-8 are read as
    UTF-8; anything else is returned unchanged. Not for paths: those must stay as the file
    system's encoding gives them.

    Parameters
    ----------
    text : str
        The argument as Python decoded it.

    Returns
    -------
    str
        The argument read as UTF-8 where its bytes are UTF-8, else ``text``.
    """
    encoding = sys.getfilesystemencoding()
    if text.isascii() or codecs.lookup(encoding).name == "utf-8":
        return text
    try:
        return text.encode(encoding, "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


#: Exit status of a user error (bad option, unknown prefix, refused output directory).
USER_ERROR_EXIT = 2
#: Exit status of a run whose inputs were accepted but whose solver or fit did not converge
#: (:class:`~solidna.errors.ConvergenceError`): a result of the computation, not a usage error,
#: so a script can tell "fix the command line" (2) from "this case does not solve" (1).
FAILED_RUN_EXIT = 1
#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED_EXIT = 130
#: Exit status of an unexpected error, a bug in solidna (EX_SOFTWARE of sysexits.h).
INTERNAL_ERROR_EXIT = 70


def one_line(message: str) -> str:
    """``message`` on one line: a message of several lines (a YAML parser's, with a caret line
    under the bad column; a list of differences) is joined where a line ends without a stop by
    ". " before a capital and "; " otherwise, and lines of marks only (``^``) are dropped."""
    lines = [line.strip() for line in str(message).splitlines()]
    lines = [line for line in lines if line and not re.fullmatch(r"[\^~\s]+", line)]
    text = ""
    for line in lines:
        if text:
            if text[-1] in ".:;,!?([":
                text += " "
            else:
                text += ". " if line[0].isupper() else "; "
        text += " ".join(line.split())
    return text


def print_error(message: str) -> None:
    """``Error: message`` in red on stderr, on one line and never wrapped (so it can be copied
    and searched)."""
    err_console.print(Text(f"Error: {one_line(message)}", style="red"), soft_wrap=True)


def print_note(text: str, *, prefix: str = "note: ", style: str = "dim") -> None:
    """A note of prose on stdout: on a terminal wrapped at its width between words, later lines
    indented under the first; elsewhere (a log, a pipe) one line per note, for grep.

    A note of 263 characters was one line that an 80-column terminal broke in mid-word.

    Parameters
    ----------
    text : str
        The note.
    prefix : str
        Put before the note, e.g. ``"note: "``.
    style : str
        Rich style of the note.
    """
    line = f"{prefix}{' '.join(str(text).split())}"
    if console.is_terminal:
        # file names and paths are never broken (they stay copyable whole)
        line = textwrap.fill(
            line,
            max(console.width, 40),
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    console.print(Text(line, style=style), soft_wrap=True)


def print_warning(message: str) -> None:
    """``Warning: message`` in yellow on stderr, one line."""
    text = " ".join(str(message).split())
    err_console.print(Text(f"Warning: {text}", style="yellow"), soft_wrap=True)


# ---------------------------------------------------------------------------------------------
# Option types
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class QuantityKind:
    """What a quantity option means, for parsing and for messages in plain words.

    Attributes
    ----------
    unit : str
        The SI unit the Python API converts to (e.g. ``"A/m**2"``).
    words : str
        The quantity in plain words with its article, e.g. ``"a current density"``.
    example : str
        A valid value, e.g. ``"0.1 mA/cm2"``.
    display_unit : str
        Unit in which bounds are printed (e.g. ``"h"``, ``"degC"``).
    maximum : float, optional
        Upper bound in ``unit`` (inclusive).
    positive : bool
        Refuse zero and negative values.
    reason : str
        Why the bounds are what they are (printed with the error).
    minimum : float, optional
        Lower bound in ``unit`` (inclusive), for kinds where a tiny value is as senseless as a
        huge one (a CV that would take years).
    """

    unit: str
    words: str
    example: str
    display_unit: str
    maximum: float | None = None
    reason: str = ""
    positive: bool = False
    minimum: float | None = None


# The bounds of the simulated conditions refuse values no experiment has (a typo of the unit or
# the exponent): past them the solvers fail with messages about their own internals, or run for
# ever. Values inside the bounds but outside a cell's validated range are the cell's to warn about.
# (maximum [SI], why):
_CURRENT_DENSITY_MAX = (1000.0, "solid-state Na cells are tested at 0.01-10 mA/cm2")  # 100 mA/cm2
_AREAL_CAPACITY_MAX = (3.6e6, "a 1 mm Na foil holds about 110 mAh/cm2")  # 100 mAh/cm2
_SPECIFIC_CURRENT_MAX = (1e4, "20 times the fastest rate of Fig. 5c-d, 500 mA/g")  # 10 000 mA/g
_SPECIFIC_CAPACITY_MAX = (3.6e8, "Fig. 5c's full discharges reach about 10 000 mAh/g")
CURRENT_DENSITY = QuantityKind(
    "A/m**2", "a current density", "0.1 mA/cm2", "mA/cm2", *_CURRENT_DENSITY_MAX, positive=True
)
AREAL_CAPACITY = QuantityKind(
    "C/m**2", "an areal capacity", "1 mAh/cm2", "mAh/cm2", *_AREAL_CAPACITY_MAX, positive=True
)
SPECIFIC_CURRENT = QuantityKind(
    "A/kg", "a current per gram", "200 mA/g", "mA/g", *_SPECIFIC_CURRENT_MAX, positive=True
)
SPECIFIC_CAPACITY = QuantityKind(
    "C/kg", "a capacity per gram", "1000 mAh/g", "mAh/g", *_SPECIFIC_CAPACITY_MAX, positive=True
)
DURATION = QuantityKind(
    "s",
    "a duration",
    "100 h",
    "h",
    positive=True,
    maximum=MAX_DURATION_S,  # the API's bound, checked here so the message names the option
    reason="about 11 years; the paper's longest test is 4000 h",
)
TEMPERATURE = QuantityKind("K", "a temperature", "25 degC", "degC")
THICKNESS = QuantityKind("m", "a thickness", "60 um", "um", positive=True)
PRESSURE = QuantityKind("Pa", "a pressure", "1 bar", "bar", positive=True)
#: ``--co2-pressure``: the cathode breathes CO2 gas, which liquefies at 64 bar (25 degC); the
#: same bound as solidna.cells.na_co2.MAX_CO2_PRESSURE_BAR (not imported: the command line starts
#: without the models; a test checks they agree)
CO2_PRESSURE = dataclasses.replace(
    PRESSURE, maximum=64e5, reason="CO2 liquefies at 64 bar at 25 degC; the paper uses 1 bar"
)
VOLTAGE = QuantityKind("V", "a voltage", "1.5 V", "V")
SCAN_RATE = QuantityKind(
    "V/s",
    "a scan rate",
    "5 mV/s",
    "mV/s",
    positive=True,
    minimum=1e-6,  # 0.001 mV/s: a +-0.5 V cycle lasts 23 days
    maximum=10.0,  # 10 000 mV/s
    reason="potentiostats sweep 0.001-10 000 mV/s; Fig. 4g is swept at 5 mV/s",
)
FREQUENCY = QuantityKind(
    "Hz",
    "a frequency",
    "1 MHz",
    "Hz",
    positive=True,
    minimum=1e-6,
    maximum=1e9,
    reason="impedance analysers measure between about 10 uHz and 1 GHz",
)
AREA = QuantityKind("m**2", "an electrode area", "1 cm2", "cm2", positive=True)
MASS = QuantityKind("kg", "a mass", "0.5 mg", "mg", positive=True)
AREA_RESISTANCE = QuantityKind(
    "ohm*m**2", "an area-specific resistance", "12 ohm*cm2", "ohm*cm**2", positive=True
)

# a bare number, the minus sign U+2212 included ("−0.5" has no unit either)
_NUMBER = re.compile(r"^\s*[+\-\u2212]?(\d+\.?\d*|\.\d+)([eE][+\-\u2212]?\d+)?\s*$")


class OptionValueError(typer.BadParameter):
    """A bad option value, reported as ``--option: message``."""

    def format_message(self) -> str:
        param = self.param
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            # an argument is named as --help shows it ("STEP"), not by its Python name ("step")
            name = self.param_hint or param.metavar or (param.name or "value").upper()
        else:
            name = self.param_hint or (param.opts[0] if param is not None else "value")
        if isinstance(name, (list, tuple)):
            name = " / ".join(name)
        return f"{name}: {self.message}"


class QuantityType:
    """A quantity with units, checked while parsing; the string as typed is passed on.

    Used as a typer ``parser``: called with the text of the option, it returns the text or
    raises :class:`OptionValueError`, which click reports under the option's name.

    Parameters
    ----------
    kind : QuantityKind
        The unit, plain-word name, example and bounds.
    """

    def __init__(self, kind: QuantityKind):
        self.kind = kind
        self.__name__ = "quantity"  # click's FuncParamType names the type after the function

    def _bound(self, value_si: float) -> str:
        from solidna.units import to_si

        # to_si reads the display unit as users write it ("mA/cm2"), which pint alone does not;
        # affine, for units with an offset (degC: 378.15 K is 105 degC, not 1.38 degC)
        zero = to_si(f"0 {self.kind.display_unit}", self.kind.unit)
        shown = (value_si - zero) / (to_si(f"1 {self.kind.display_unit}", self.kind.unit) - zero)
        return f"{shown:g} {self.kind.display_unit}"

    def _parse(self, text: str) -> float:
        """The value in SI, or the reason it cannot be read (as :class:`OptionValueError`).

        :func:`solidna.units.to_si` words every problem (decimal comma, wrong kind, below
        absolute zero, not finite); here it is only put under the option's name."""
        from solidna.units import to_si

        k = self.kind
        noun = k.words.split(" ", 1)[-1]
        if _NUMBER.match(text):
            # the usual cause is an unquoted value: the shell split `--duration 2 h` in two
            raise OptionValueError(
                f"{text!r} has no unit; give {k.words}, e.g. {k.example} (a value with a space "
                f"goes in quotes: '{k.example}')."
            )
        try:
            return to_si(text, k.unit, noun)
        except SolidnaError as exc:
            detail = str(exc).removeprefix(f"{noun}: ")
            if not any(fix in detail for fix in ("e.g.", "Write ", "such as")):  # no fix said yet
                detail = f"{detail.rstrip('.')}; give {k.words}, e.g. {k.example}."
            raise OptionValueError(detail) from None

    def __call__(self, value: Any) -> str:
        text = argv_text(str(value)).strip()
        k = self.kind
        si = self._parse(text)
        hint = f"give {k.words}, e.g. {k.example}"
        if k.positive and si <= 0:
            raise OptionValueError(f"{text!r} must be greater than zero; {hint}.")
        why = f" ({k.reason})" if k.reason else ""
        if k.maximum is not None and si > k.maximum:
            raise OptionValueError(
                f"{text!r} is more than the maximum of {self._bound(k.maximum)}{why}."
            )
        if k.minimum is not None and si < k.minimum:
            raise OptionValueError(
                f"{text!r} is less than the minimum of {self._bound(k.minimum)}{why}."
            )
        return text


class AliasChoice:
    """A choice listed in ``--help`` and validated by the parser, accepting aliases and old
    spellings (a typer ``parser``; use :meth:`option` to build the option).

    Parameters
    ----------
    choices : sequence of str
        The canonical names (listed in ``--help``).
    aliases : mapping or callable returning one, optional
        Other accepted spellings (lower case) -> canonical name, accepted silently; a callable is
        called at the first use (so the command line starts without importing the API).
    deprecated : mapping, optional
        Old spellings -> canonical name, accepted with a note on stderr.
    """

    def __init__(
        self,
        choices: Sequence[str],
        aliases: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        deprecated: Mapping[str, str] | None = None,
    ):
        self.choices = tuple(choices)
        self._aliases = aliases
        self.deprecated = {k.lower(): v for k, v in (deprecated or {}).items()}
        self.__name__ = "choice"
        self.metavar = "[" + "|".join(self.choices) + "]"

    @property
    def aliases(self) -> dict[str, str]:
        """Accepted other spellings (lower case) -> canonical name."""
        aliases = self._aliases() if callable(self._aliases) else (self._aliases or {})
        return {k.lower(): v for k, v in aliases.items()}

    def __call__(self, value: Any) -> str:
        text = argv_text(str(value)).strip()
        low = text.lower()
        if low in self.deprecated:
            new = self.deprecated[low]
            print_warning(f"{text!r} is the old spelling; use {new!r}.")
            low = new
        by_lower = {c.lower(): c for c in self.choices}
        if low in by_lower:
            return by_lower[low]
        if low in self.aliases:
            return self.aliases[low]
        from solidna.errors import closest_matches

        close = closest_matches(text, self.choices)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        allowed = ", ".join(self.choices)
        raise OptionValueError(f"{text!r} is not one of {allowed}.{hint}")


def choice_option(flag: str, choice: AliasChoice, help: str, **kwargs: Any) -> Any:
    """A ``typer.Option`` whose value is one of ``choice`` (listed in ``--help``)."""
    return typer.Option(flag, parser=choice, metavar=choice.metavar, help=help, **kwargs)


def quantity_option(flag: str, kind: QuantityKind, help: str, **kwargs: Any) -> Any:
    """A ``typer.Option`` for a quantity with units (see :class:`QuantityType`)."""
    return typer.Option(flag, parser=QuantityType(kind), metavar="QUANTITY", help=help, **kwargs)


class NumberType:
    """A plain number (a whole one with ``whole``) between bounds, checked while parsing.

    Refuses a decimal comma, ``nan``/``inf`` and values outside ``[minimum, maximum]`` in plain
    words under the option's name (click's own messages speak of "int range" and "Input should
    be ..."). Used as a typer ``parser``; see :func:`Count` and :data:`PvdfRatio`.

    Parameters
    ----------
    words : str
        The value in plain words, e.g. ``"a whole number of cycles"``.
    example : str
        A valid value, e.g. ``"50"``.
    minimum, maximum : float
        Inclusive bounds.
    whole : bool
        Whole numbers only.
    above_minimum : bool
        The minimum itself is refused (a ratio > 0).
    reason : str
        Why the bounds are what they are (printed with the error).
    """

    def __init__(
        self,
        words: str,
        example: str,
        minimum: float,
        maximum: float,
        *,
        whole: bool = False,
        above_minimum: bool = False,
        reason: str = "",
    ):
        self.words, self.example, self.whole = words, example, whole
        self.minimum, self.maximum, self.above_minimum = minimum, maximum, above_minimum
        self.reason = reason
        self.__name__ = "number"
        lower = f"above {minimum:g} and at most" if above_minimum else f"from {minimum:g} to"
        #: what is allowed, e.g. "a whole number from 1 to 100000, e.g. 10"
        self.allowed = f"{words} {lower} {maximum:g}, e.g. {example}"

    def __call__(self, value: Any) -> Any:
        import math

        text = argv_text(str(value)).strip()
        hint = f"give {self.allowed}"
        if re.fullmatch(r"[+-]?\d*,\d+", text):
            raise OptionValueError(
                f"{text!r} has a decimal comma; write {text.replace(',', '.')!r} (a point is "
                "the decimal mark)."
            )
        try:
            number = float(text)
        except ValueError:
            raise OptionValueError(f"{text!r} is not a number; {hint}.") from None
        if not math.isfinite(number) or (self.whole and number != int(number)):
            kind = "a whole number" if self.whole else "a finite number"
            raise OptionValueError(f"{text!r} is not {kind}; {hint}.")
        low = number <= self.minimum if self.above_minimum else number < self.minimum
        if low or number > self.maximum:
            why = f" ({self.reason})" if self.reason else ""
            raise OptionValueError(f"{text!r} is out of range; {hint}{why}.")
        return int(number) if self.whole else number


#: The largest count an option takes: 100 000 cycles of one hour last 11 years.
MAX_COUNT = 100_000


def Count(flag: str, help: str, maximum: int = MAX_COUNT, reason: str = "") -> Any:  # noqa: N802
    """The annotation of a whole-number option from 1 to ``maximum`` (default
    :data:`MAX_COUNT`; cycles, points), ``reason`` saying why when it is lower."""
    count = NumberType("a whole number", "10", 1, maximum, whole=True, reason=reason)
    return Annotated[int, typer.Option(flag, parser=count, metavar="N", help=help)]


def Quantity(flag: str, kind: QuantityKind, help: str, optional: bool = False) -> Any:  # noqa: N802
    """The annotation of a quantity option: ``v_min: Quantity("--v-min", VOLTAGE, "...")``;
    ``optional`` for one whose default is None (not given)."""
    return Annotated[str | None if optional else str, quantity_option(flag, kind, help)]


def Choice(flag: str, choice: AliasChoice, help: str) -> Any:  # noqa: N802 - used as a type
    """The annotation of an option with listed choices: ``mode: Choice("--mode", ...)``."""
    return Annotated[str, choice_option(flag, choice, help)]


def Parsed(flag: str, parser: Callable[[Any], Any], metavar: str, help: str) -> Any:  # noqa: N802
    """The annotation of an option read by its own ``parser`` (e.g. a C-rate)."""
    return Annotated[str, typer.Option(flag, parser=parser, metavar=metavar, help=help)]


def Switch(flag: str, help: str) -> Any:  # noqa: N802 - used as a type
    """The annotation of an on/off option: ``data: Switch("--data/--no-data", "...") = True``."""
    return Annotated[bool, typer.Option(flag, help=help)]


#: ``--full`` of the commands that run cycling cells (``simulate``, ``sweep run``): cycle jumping
#: off.
Full = Switch(
    "--full",
    "Resolve every cycle (no cycle jumping). By default long cycling runs (100 cycles or more) "
    "jump over cycles; the skipped ones are interpolated and marked as such in the results.",
)


def _anode_aliases() -> Mapping[str, str]:
    from solidna.cells.base import ANODE_ALIASES

    return ANODE_ALIASES


# the canonical names are those of solidna.cells.base.ANODES (a test checks they agree)
ANODE_CHOICE = AliasChoice(("modified", "pristine"), aliases=_anode_aliases)

Anode = Annotated[
    str,
    choice_option(
        "--anode",
        ANODE_CHOICE,
        help="Na anode: modified (M-Na, treated with 1 M NaClO4 in FEC) or pristine; "
        "M-Na and bare are accepted too.",
    ),
]
#: ``--temperature`` of a simulated cell: the SSE melts at 105 degC (the lu2019 set's "SSE melting
#: point [K]", Fig. S14; a test checks they agree), where the cells refuse to run; checked here so
#: that the message names the option (the cell's spoke of "temperature 200.0 C")
CELL_TEMPERATURE = dataclasses.replace(
    TEMPERATURE,
    maximum=378.15,
    reason="the SSE's melting point, Fig. S14: its solid-state laws stop there; the paper "
    "validates 10-60 degC",
)
Temperature = Annotated[
    str,
    quantity_option(
        "--temperature",
        CELL_TEMPERATURE,
        "Cell temperature, e.g. 25 degC (below the SSE's melting point, 105 degC; validated "
        "10-60 degC).",
    ),
]
SseThickness = Annotated[
    str | None,
    quantity_option(
        "--sse-thickness",
        dataclasses.replace(
            THICKNESS, maximum=5e-3, reason="SSE films are 1 um to 5 mm thick; the paper's 60 um"
        ),
        "SSE membrane thickness, e.g. 60 um (at most 5 mm) [default: 60 um].",
    ),
]
PvdfRatio = Annotated[
    float | None,
    typer.Option(
        "--pvdf-ratio",
        parser=NumberType(
            "a PVDF-HFP : SN weight ratio",
            "0.8",
            0.0,
            10.0,
            above_minimum=True,
            reason="the paper's SSEs use 0.5-1.5; at 10 there is hardly any SN left to conduct",
        ),
        metavar="RATIO",
        help="PVDF-HFP : SN weight ratio of the SSE, dimensionless, above 0 and at most 10 "
        "[default: 0.8].",
    ),
]
Co2Pressure = Annotated[
    str | None,
    quantity_option("--co2-pressure", CO2_PRESSURE, "CO2 pressure, e.g. 1 bar [default: 1 bar]."),
]
Only = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        metavar="PREFIX",
        help="Only ids starting with PREFIX (repeatable, or comma-separated), e.g. fig3f, "
        "fig4h, thermo [default: all].",
    ),
]


class TableFormat(StrEnum):
    """How ``parameters`` and ``targets`` print their table."""

    table = "table"
    csv = "csv"
    json = "json"


class _TableFormatChoice(AliasChoice):
    """``--format``: one of :class:`TableFormat`, refused in plain words (typer's own message
    was "Invalid value for '--format': Value error, 'xml' is not one of ...")."""

    def __call__(self, value: Any) -> TableFormat:
        if isinstance(value, TableFormat):
            return value
        return TableFormat(super().__call__(value))


Format = Annotated[
    TableFormat,
    choice_option(
        "--format",
        _TableFormatChoice(tuple(f.value for f in TableFormat)),
        help="table (for people, fits 80 columns), csv or json (every column, for programs).",
    ),
]


# ---------------------------------------------------------------------------------------------
# Options shared by several commands, added to their signatures by a decorator
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CellOptions:
    """The conditions every simulated cell takes (``--anode``, ``--temperature`` ...)."""

    anode: str = "modified"
    temperature: str = "25 degC"
    sse_thickness: str | None = None
    pvdf_ratio: float | None = None
    co2_pressure: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of a cell's constructor (options the command does not have left out)."""
        out: dict[str, Any] = {"temperature": self.temperature, "sse_thickness": self.sse_thickness}
        if self.pvdf_ratio is not None:
            out["pvdf_ratio"] = self.pvdf_ratio
        if self.co2_pressure is not None:
            out["co2_pressure"] = self.co2_pressure
        return out


@dataclasses.dataclass(frozen=True)
class OutputOptions:
    """``--out DIR`` and ``--force``."""

    out: Path
    force: bool = False

    @contextlib.contextmanager
    def staged(self, protect: Sequence[Path] = ()) -> Iterator[Path]:
        """Write into a staging directory that becomes ``out`` only if the block succeeds."""
        from solidna.io_utils import output_dir

        with output_dir(self.out, self.force, protect=protect) as stage:
            yield stage

    def final(self, path: str | Path) -> Path:
        """Where ``path`` (maybe inside the staging directory) ends up."""
        from solidna.io_utils import final_path

        return final_path(path)


F = TypeVar("F", bound=Callable[..., Any])


def _bundle(name: str, extra: Sequence[inspect.Parameter], make: Callable[..., Any]):
    """Replace the parameter ``name`` of a command by the options ``extra``; the command receives
    ``make(**values of extra)`` as ``name``. typer reads the new signature."""

    def decorate(func: F) -> F:
        sig = inspect.signature(func, eval_str=True)
        hints = get_type_hints(func, include_extras=True)
        own = [p for p in sig.parameters.values() if p.name != name]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = make(**{p.name: kwargs.pop(p.name) for p in extra})
            return func(*args, **kwargs)

        del command.__wrapped__  # typer must see the new signature, not the function's
        command.__signature__ = sig.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
        command.__annotations__ = {k: v for k, v in hints.items() if k != name} | {
            p.name: p.annotation for p in extra
        }
        return command  # type: ignore[return-value]

    return decorate


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def cell_options(*, pvdf_ratio: bool = True, co2_pressure: bool = False):
    """Add ``--anode --temperature --sse-thickness`` (and ``--pvdf-ratio`` / ``--co2-pressure``)
    to a command; it receives them as ``cell: CellOptions``."""
    extra = [
        _keyword("anode", Anode, "modified"),
        _keyword("temperature", Temperature, "25 degC"),
        _keyword("sse_thickness", SseThickness, None),
    ]
    if pvdf_ratio:
        extra.append(_keyword("pvdf_ratio", PvdfRatio, None))
    if co2_pressure:
        extra.append(_keyword("co2_pressure", Co2Pressure, None))
    return _bundle("cell", extra, CellOptions)


def directory_path(value: Any) -> Path:
    """``--out DIR``: refuses an empty path, which would otherwise mean the current directory,
    and ``-``, which commands take for standard output: ``--out -`` made a directory named
    ``-`` (that ``rm -r -`` cannot remove), where the files are several and cannot be piped."""
    if isinstance(value, Path):
        return value
    if not str(value).strip():
        raise OptionValueError("an empty path names no directory; give one, e.g. --out results.")
    if str(value).strip() == "-":
        raise OptionValueError(
            "'-' is no directory: the results are several files, which cannot go to standard "
            "output; give a directory, e.g. --out results (or --out ./- for one named '-')."
        )
    return Path(value)


class nonempty_text:  # noqa: N801 - used like a type, as typer's parsers are
    """A free-text option (a reader, a circuit, a sheet) that refuses an empty value: ``--circuit
    ''`` silently meant the default circuit, the value a script with an unset variable passes.

    Parameters
    ----------
    example : str
        A valid value, for the message, e.g. ``"R0-p(R1,CPE1)"``.
    default : str
        What leaving the option out means, e.g. ``"the default circuit"``.
    """

    def __init__(self, example: str, default: str):
        self.example, self.default = example, default
        self.__name__ = "text"

    def __call__(self, value: Any) -> str:
        text = str(value).strip()
        if not text:
            raise OptionValueError(
                f"an empty value names nothing; give one, e.g. {self.example!r}, or leave the "
                f"option out for {self.default}."
            )
        return text


def output_options(default: str | None, what: str = "the results"):
    """Add ``--out DIR`` (``default``; required when None) and ``--force`` to a command; it
    receives them as ``output: OutputOptions``."""
    out_help = (
        f"Directory for {what}; created, must not exist or be empty (see --force). A failed run "
        "leaves nothing in it."
    )
    out = Annotated[
        Path, typer.Option("--out", help=out_help, metavar="DIR", parser=directory_path)
    ]
    force = Switch(
        "--force",
        "Write into a non-empty --out, replacing only the files solidna writes; other files are "
        "kept.",
    )
    extra = [
        _keyword("out", out, inspect.Parameter.empty if default is None else Path(default)),
        _keyword("force", force, False),
    ]
    return _bundle("output", extra, OutputOptions)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
def split_prefixes(only: list[str] | None) -> list[str] | None:
    """``--only fig3f --only fig4h`` and ``--only fig3f,fig4h`` are the same request; each
    prefix must start a target id (:func:`solidna.reproduce.runner.check_prefixes`)."""
    if not only:
        return None
    prefixes = [p.strip() for item in only for p in item.split(",") if p.strip()]
    if not prefixes:  # `--only ""` must not quietly mean "everything" (a full reproduce)
        from solidna.errors import InvalidOptionError

        raise InvalidOptionError(
            f"--only: {only[0]!r} names no prefix; give one or more, e.g. --only fig3f,fig4h "
            "(leave --only out for all)."
        )
    from solidna.errors import InvalidOptionError
    from solidna.reproduce.runner import check_prefixes

    # checked here so that the message names the option ("Unknown target prefix 'zzz': ..."
    # did not): "Unknown target prefix 'zzz' given to --only: ..."
    try:
        return check_prefixes(prefixes)
    except InvalidOptionError as exc:
        raise InvalidOptionError(str(exc).replace(": ", " given to --only: ", 1)) from None


def print_frame(frame: Any, fmt: TableFormat, table: Callable[[], Any]) -> None:
    """Print a pandas table as csv/json (every column, to stdout as is) or as a rich table."""
    if fmt is TableFormat.csv:
        _write_data(frame.to_csv(lineterminator="\n"))
    elif fmt is TableFormat.json:
        import json

        from solidna.io_utils import to_jsonable

        records = frame.reset_index().to_dict(orient="records")
        _write_data(json.dumps(to_jsonable(records), indent=2, ensure_ascii=False) + "\n")
    else:
        console.print(table())


def _write_data(text: str) -> None:
    """CSV or JSON for programs on stdout: UTF-8 whatever the locale (as the files solidna
    writes; under ``LC_ALL=C`` the "±" of a tolerance stopped the output with an encoding
    error), and a quiet stop when the reader went away (``| head``)."""
    out = sys.stdout
    try:
        buffer = getattr(out, "buffer", None)
        if buffer is not None and codecs.lookup(out.encoding or "ascii").name != "utf-8":
            out.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            out.write(text)
            out.flush()
    except BrokenPipeError:
        reader_gone(out)


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------
#: Set by the command line's Ctrl-C (and SIGTERM) handler. A KeyboardInterrupt that lands in the
#: initialisation of a compiled module comes out as ``ImportError: initialization failed``
#: (pybind11); ``solidna reproduce`` recorded that as a failed figure and went on to write its
#: results with exit status 1. The next progress report stops the work instead.
CTRL_C = threading.Event()


def _time_left_column(display: ProgressDisplay) -> Any:
    """The bar's "about N left", recomputed at each refresh of the bar (10 a second) rather than
    at each progress report: between two finished batches of a sweep (tens of seconds) the
    estimate stood still, then fell by the whole gap at once."""
    from rich.progress import ProgressColumn

    class TimeLeftColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            if task.total is None:  # no fraction reported yet
                return Text("")
            return Text(display.left_text(display.time_left.seconds_left()))

    return TimeLeftColumn()


class ProgressDisplay:
    """Show ``progress(message, fraction)`` calls with the percentage and the time left.

    On a terminal: a rich progress bar with percentage and "about N min left", removed when done;
    until the work reports its first fraction the bar only pulses (no "0 %" that looks stuck).
    Elsewhere (a log file, a pipe): plain lines on stderr, from the first fraction reported, at
    most one every ``interval_s`` seconds unless the work advanced by ``step`` (so logs stay
    short). The percentage never goes backwards (:class:`solidna.progress.TimeLeft`).

    Parameters
    ----------
    stream : rich.console.Console
        Where to show it (default: stderr).
    terminal : bool, optional
        Force the bar (True) or plain lines (False); default: whether ``stream`` is a terminal.
    clock : callable
        Seconds; replaceable in tests.
    interval_s, step : float
        Throttle of the plain lines [s] and [fraction of the work].
    """

    def __init__(
        self,
        stream: Console | None = None,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval_s: float = 2.0,
        step: float = 0.05,
    ):
        self.stream = stream or err_console
        self.terminal = self.stream.is_terminal if terminal is None else terminal
        self.clock = clock
        self.interval_s = interval_s
        self.step = step
        self.time_left = TimeLeft(clock)
        self._bar: Any = None
        self._task: Any = None
        self._last_line_t: float | None = None
        self._last_line_f = -1.0
        self._measured = False  # whether a fraction has been reported yet

    def __enter__(self) -> ProgressDisplay:
        if self.terminal:
            from rich.progress import BarColumn, SpinnerColumn, TaskProgressColumn, TextColumn
            from rich.progress import Progress as RichProgress

            # rich's default spinner is braille dots; a terminal without UTF-8 showed "?"
            utf8 = self.stream.encoding.replace("-", "").startswith("utf")
            self._bar = RichProgress(
                SpinnerColumn("dots" if utf8 else "line"),
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                _time_left_column(self),
                console=self.stream,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("starting", total=None, left="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def left_text(self, seconds: float | None) -> str:
        """``"about 3 min 20 s left"``, or ``""`` while no estimate can be made."""
        if seconds is None or self.time_left.fraction >= 1.0:
            return ""
        return f"about {format_duration(seconds)} left"

    def __call__(self, message: str, fraction: float | None = None) -> None:
        from rich.markup import escape

        if CTRL_C.is_set():  # Ctrl-C was pressed, and what it interrupted swallowed it
            raise KeyboardInterrupt
        seconds = self.time_left.update(fraction)
        done = self.time_left.fraction
        left = self.left_text(seconds)
        measured = fraction is not None or self._measured
        self._measured = measured
        if self._bar is not None:
            self._bar.update(
                self._task,
                description=escape(message),
                completed=done,
                total=1.0 if measured else None,
                left=left,
            )
            return
        if not measured:  # a log shows progress, not each phase of a short run
            return
        now = self.clock()
        due = self._last_line_t is None or now - self._last_line_t >= self.interval_s
        advanced = fraction is not None and done - self._last_line_f >= self.step
        finished = fraction is not None and done >= 1.0 and self._last_line_f < 1.0
        if not (due or advanced or finished):
            return
        self._last_line_t, self._last_line_f = now, done
        suffix = f" ({left})" if left else ""
        self.stream.print(
            Text(f"[{100 * done:3.0f} %] {message}{suffix}", style="dim"), soft_wrap=True
        )


def accepts_keyword(func: Callable[..., Any], name: str) -> bool:
    """Whether ``func`` takes the keyword argument ``name`` (for optional API features)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def given(ctx: typer.Context, name: str) -> bool:
    """Whether the parameter ``name`` was given on the command line (or by its environment
    variable), not left at its default."""
    from typer._click.core import ParameterSource

    source = ctx.get_parameter_source(name)
    return source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def option_flag(name: str) -> str:
    """The command-line flag of parameter ``name`` (``"v_min"`` -> ``"--v-min"``)."""
    return "--" + name.replace("_", "-")


def refuse_unless(ctx: typer.Context, applies: bool, where: str, *names: str) -> None:
    """Refuse options given on the command line that the chosen mode would ignore.

    Parameters
    ----------
    ctx : typer.Context
        The command's context.
    applies : bool
        Whether the options act in the chosen mode.
    where : str
        The mode they belong to, e.g. ``"--mode cycle"``.
    names : str
        Parameter names (``"charge_cutoff"``).
    """
    from typer._click.exceptions import UsageError

    for name in names if not applies else ():
        if given(ctx, name):
            raise UsageError(
                f"{option_flag(name)} applies to {where} only and would be ignored here; leave it out.",
                ctx,
            )


def refuse_together(ctx: typer.Context, *names: str) -> None:
    """Refuse options that exclude each other when more than one is given on the command line.

    Parameters
    ----------
    ctx : typer.Context
        The command's context.
    names : str
        Parameter names (``"half_cycle"``, ``"capacity"``).
    """
    from typer._click.exceptions import UsageError

    flags = [option_flag(name) for name in names if given(ctx, name)]
    if len(flags) > 1:
        raise UsageError(f"{' and '.join(flags)} exclude each other; give one of them.", ctx)
