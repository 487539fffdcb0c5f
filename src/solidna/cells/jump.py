"""Cycle jumping (envelope following) for long cycling runs.

A 4000-h plating/stripping run has 2000 cycles, but the quantities that change from cycle to
cycle - the *slow states* (interphase thickness, degraded SSE zone, products, films) - change by a
fraction of a per cent per cycle; everything else (double layer, film voltage, salt profile)
repeats every cycle. Envelope following (Petzold 1981, "An efficient numerical method for highly
oscillatory ordinary differential equations", SIAM J. Numer. Anal. 18, 455; Gear & Gallivan's
multirate methods) integrates the slow states over *cycles*: resolve a few cycles with the full
model, read off how much the slow states change per cycle, jump many cycles ahead, resolve
again.

The scheme here, in cycle number ``n`` (:func:`follow_envelope`):

1. A *block* resolves ``settle + 1`` cycles with the full model from the slow state ``y`` (the
   fast states restart from their initial values; the ``settle`` leading cycles let them reach
   their periodic regime and are not used). Its last cycle gives the per-cycle change ``s`` of
   the slow states, and the per-cycle outputs the cell reports (e.g. the voltage at the end of
   each half cycle), whose change per cycle is the secant between resolved cycles.
2. A jump of ``H`` cycles is checked by comparing two step sizes (step doubling): one Euler step
   of ``H`` cycles against two of ``H/2``, the second from a block resolved at the midpoint. Their
   difference ``H/2 |s_mid - s|`` is the error estimate of the states. The jump lands at the
   extrapolated (midpoint, second-order) value ``y + H s_mid``, where a block is resolved; the
   outputs of the midpoint block are then compared with their interpolation (PCHIP, as the
   skipped cycles get) between the last trusted cycles and the new end block without them: the
   error of interpolating over the whole jump, an upper bound of that over its halves. With
   every component within its tolerance (``atol + rtol |value|``) the jump is accepted;
   otherwise ``H`` shrinks and the jump is retried. ``H`` adapts as ``H * min(8, 0.9 /
   sqrt(err_states), 0.9 / cbrt(err_outputs))``.
   The jump may be taken in coordinates ``y**p`` in which the slow states' growth law is linear
   in time (``exponents``: ``p = 2`` for a parabolically growing film): extrapolation is then
   exact for the law itself, and the error control - always in the states' own units - sees
   only the departures from it.
3. Events: an output flagged as a margin (e.g. the distance of ``|V|`` to the cycler's voltage
   limit) must not be jumped across. A jump covers at most half of the cycles the margin is
   predicted to last; when that is fewer than a block, the rest of the run is resolved in full,
   so the event is found by the solver's own event location. The last cycles of the run are
   always resolved (the end block of a jump that lands just before them runs on through them).

The per-cycle table of a jumped run has the resolved cycles from the model and the skipped ones
interpolated (monotone cubic, PCHIP, in cycle number) and marked ``Interpolated``. PCHIP keeps
each interval within the values at its ends, so a bounded quantity stays bounded; a quantity
derived from others is derived again from their interpolated values (the Na-CO2 gap from the
median voltages), or interpolated itself in place of one of them when it is their small
difference that matters (the NVP coulombic efficiency, in place of the charge capacity: a
skipped cycle then never gives back more charge than it took).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from solidna._docstrings import fill_doc
from solidna.progress import Progress

__all__ = [
    "JUMP_MIN_CYCLES",
    "JumpTolerance",
    "Block",
    "EnvelopeRun",
    "follow_envelope",
    "use_jumping",
    "check_tolerance",
    "cycle_progress",
    "settling_cycles",
]

#: Runs with at least this many cycles jump by default (``jump=None``): below it a full solve
#: takes well under a second and a jump would save little.
JUMP_MIN_CYCLES: int = 100

#: First trial jump [cycles] after the first block.
FIRST_JUMP: int = 16

#: Largest growth of the jump from one accepted jump to the next (the error control decides
#: within it; a rejected jump costs one block). With 16 and 8 a 2000-cycle M-Na run takes four
#: jumps (12 resolved cycles) where 8 and 4 took five (14), with the same error against a full
#: solve (0.04-0.09 mV; tests/physics/test_cycle_jumping.py).
MAX_GROWTH: float = 8.0


@dataclass(frozen=True)
class JumpTolerance:
    """Tolerance of one jump, per component of the envelope: ``atol + rtol * |value|``.

    Attributes
    ----------
    rtol : float
        Relative tolerance of the slow states and outputs (default 1e-3).
    state_atol : float
        Absolute tolerance of the slow states, in their units (default 0: relative only).
    output_atol : float
        Absolute tolerance of the per-cycle outputs, in their units (the symmetric cell's outputs
        are voltages in V: default 0.5 mV).

    The tolerance bounds the error estimate of a first-order (Euler) jump; the accepted value is
    the second-order one, so the error of a run is far below it (on the 4000-h M-Na run, 0.03 mV
    against a full solve; tests/physics/test_cycle_jumping.py).
    """

    rtol: float = 1e-3
    state_atol: float = 0.0
    output_atol: float = 5e-4

    def __post_init__(self) -> None:
        from solidna.errors import OutOfRangeError, is_number

        for name in ("rtol", "state_atol", "output_atol"):
            value = getattr(self, name)
            if (
                not is_number(value)
                or not math.isfinite(value)
                or value < 0
                or (name == "rtol" and value == 0)
            ):
                need = "> 0" if name == "rtol" else ">= 0"
                raise OutOfRangeError(
                    f"JumpTolerance {name} must be a finite number {need}; got {value!r}. "
                    "Example: JumpTolerance(rtol=1e-3)."
                )


def check_tolerance(tolerance: object) -> JumpTolerance | None:
    """``tolerance`` if it is a :class:`JumpTolerance` or ``None``, else
    :class:`~solidna.errors.InvalidOptionError` (a bare number says not which tolerance).

    Parameters
    ----------
    tolerance : object
        The caller's ``jump_tolerance``.
    """
    if tolerance is None or isinstance(tolerance, JumpTolerance):
        return tolerance
    from solidna.errors import InvalidOptionError

    raise InvalidOptionError(
        f"jump_tolerance must be a JumpTolerance, got {type(tolerance).__name__} "
        f"{tolerance!r}. Example: jump_tolerance=JumpTolerance(rtol=1e-3)."
    )


@dataclass
class Block:
    """What the full model gives for ``k`` resolved cycles started at a cycle boundary.

    Attributes
    ----------
    states : numpy.ndarray
        Slow states at the end of each resolved cycle, shape ``(k, n_states)``.
    outputs : numpy.ndarray
        Per-cycle outputs of each resolved cycle, shape ``(k, n_outputs)``.
    data : object
        The cell's own record of the block (e.g. its time series), kept for the result.
    event : bool
        The run stopped inside the block (an event such as a voltage limit).
    """

    states: np.ndarray
    outputs: np.ndarray
    data: object = None
    event: bool = False


@dataclass
class EnvelopeRun:
    """A jumped run: the resolved blocks and the cycle numbers they start after.

    Attributes
    ----------
    tolerance : JumpTolerance
        The tolerance the run was jumped with.
    blocks : list of (int, Block, int)
        ``(first cycle - 1, block, settling cycles)`` for every resolved block kept, in order.
    final_state : numpy.ndarray
        Slow states at the end of the run.
    n_cycles : int
        Cycles of the run (fewer than asked when an event stopped it).
    event : bool
        An event stopped the run.
    jumps : int
        Accepted jumps; ``rejected``: rejected ones.
    """

    tolerance: JumpTolerance = field(default_factory=JumpTolerance)
    blocks: list[tuple[int, Block, int]] = field(default_factory=list)
    final_state: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_cycles: int = 0
    event: bool = False
    jumps: int = 0
    rejected: int = 0

    @property
    def resolved_cycles(self) -> int:
        """Cycles solved with the full model (settling cycles included)."""
        return sum(len(b.states) for _, b, _ in self.blocks)

    def record(self) -> dict:
        """What a result's run record says of the jumping (``inputs["cycle jumping"]``).

        Returns
        -------
        dict
            Cycles, resolved cycles, accepted and rejected jumps, and the tolerance.
        """
        return {
            "cycles": self.n_cycles,
            "resolved cycles": self.resolved_cycles,
            "jumps": self.jumps,
            "rejected jumps": self.rejected,
            "tolerance": asdict(self.tolerance),
        }


def use_jumping(jump: bool | None, n_cycles: float) -> bool:
    """Whether to jump: ``jump`` if given, else runs of at least :data:`JUMP_MIN_CYCLES` cycles.

    Parameters
    ----------
    jump : bool or None
        The caller's choice; ``None`` lets the run's length decide.
    n_cycles : float
        Cycles the run would take.
    """
    from solidna.errors import check_flag

    if check_flag(jump, "jump") is None:
        return n_cycles >= JUMP_MIN_CYCLES
    return bool(jump)


def cycle_progress(progress: Progress | None, n_cycles: int) -> Callable[[int], None] | None:
    """The cycle counter :func:`follow_envelope` reports, as ``progress(message, fraction)``.

    Parameters
    ----------
    progress : callable or None
        The caller's callback (:mod:`solidna.progress`); ``None`` reports nothing.
    n_cycles : int
        Cycles of the whole run.
    """
    if progress is None:
        return None
    report = progress

    def cycles_done(c: int) -> None:
        report(f"cycle {c} of {n_cycles}", min(c / max(n_cycles, 1), 1.0))

    return cycles_done


def settling_cycles(relaxation_time_s: float, half_cycle_s: float) -> int:
    """Cycles a block must run before its fast states are periodic again.

    A block restarts the fast states from their initial values; their slowest mode decays with
    ``relaxation_time_s``. Ten time constants (a factor e^-10) within the first half cycle's
    reading window (its last 10 %, where the overpotential is read) need no settling cycle;
    otherwise as many cycles as ten time constants take.

    Parameters
    ----------
    relaxation_time_s : float
        Slowest time constant of the fast states [s] (e.g. salt diffusion across the SSE).
    half_cycle_s : float
        Half-cycle length [s].
    """
    if 10 * relaxation_time_s <= 0.9 * half_cycle_s:
        return 0
    return int(np.ceil(10 * relaxation_time_s / (2 * half_cycle_s)))


@fill_doc
def follow_envelope(
    resolve: Callable[[np.ndarray, int, int], Block],
    y0: Sequence[float],
    n_cycles: int,
    settle: int = 0,
    tolerance: JumpTolerance | None = None,
    margins: Sequence[int] = (),
    progress: Progress | None = None,
    exponents: Sequence[float] | None = None,
) -> EnvelopeRun:
    """Integrate the slow states over ``n_cycles`` cycles by jumping (module docstring).

    Parameters
    ----------
    resolve : callable
        ``resolve(y, c, k)`` runs cycles ``c + 1`` to ``c + k`` of the full model from the slow
        states ``y`` (fast states at their initial values) and returns a :class:`Block` (the
        last cycle of the run may be incomplete: the protocol decides).
    y0 : sequence of float
        Slow states at the start.
    n_cycles : int
        Cycles to run.
    settle : int
        Leading cycles of a block (after a jump) whose outputs are not used
        (:func:`settling_cycles`).
    tolerance : JumpTolerance, optional
        Per-jump tolerance (default :class:`JumpTolerance`).
    margins : sequence of int
        Indices of outputs that reach zero at an event (never jumped across).
    %(progress)s
        The cycles done (``"cycle 20 of 50"``, :func:`cycle_progress`) after each jump and at
        the end.
    exponents : sequence of float, optional
        Jump the slow states in the coordinates ``y**p`` (one exponent ``p`` per state, states
        positive), in which the cell's growth law is linear in time: ``p = 2`` for a film that
        grows parabolically (``L dL/dt`` constant: solvent-diffusion-limited growth), ``p = 1``
        (the default) for linear growth. The extrapolation is then exact for the law itself and
        the error control (in the states' own units) sees only the departures from it, so the
        jumps can be longer; any exponent gives a second-order, error-controlled jump.

    Returns
    -------
    EnvelopeRun
    """
    cycles_done = cycle_progress(progress, n_cycles)
    run = _follow(resolve, y0, n_cycles, settle, tolerance, margins, cycles_done, exponents)
    if cycles_done is not None:  # also a run resolved in one piece, or cut short by an event
        cycles_done(run.n_cycles)
    return run


def _follow(
    resolve: Callable[[np.ndarray, int, int], Block],
    y0: Sequence[float],
    n_cycles: int,
    settle: int,
    tolerance: JumpTolerance | None,
    margins: Sequence[int],
    progress: Callable[[int], None] | None,
    exponents: Sequence[float] | None,
) -> EnvelopeRun:
    """:func:`follow_envelope`'s steps (its arguments); ``progress`` after each jump."""
    tol = tolerance or JumpTolerance()
    run = EnvelopeRun(tol)
    y = np.asarray(y0, float)
    p = np.ones_like(y) if exponents is None else np.asarray(exponents, float)

    def fwd(v: np.ndarray) -> np.ndarray:  # the states' jump coordinates
        return np.sign(v) * np.abs(v) ** p

    def back(z: np.ndarray) -> np.ndarray:
        return np.sign(z) * np.abs(z) ** (1 / p)

    # the first block starts as the full run does: every cycle of it counts; two cycles give
    # the first per-cycle change of the outputs
    block = resolve(y, 0, min(n_cycles, 2))
    run.blocks.append((0, block, 0))
    c = len(block.states)
    if block.event or c < 2 or c >= n_cycles:
        return _finish(run, block.states[-1], c, block.event)
    s_y = fwd(block.states[-1]) - fwd(block.states[-2])
    o, s_o = block.outputs[-1], block.outputs[-1] - block.outputs[-2]
    # the trusted cycles' outputs (cycle number, outputs): the knots the skipped cycles are
    # interpolated between
    knots = [(1, block.outputs[-2]), (2, o)]
    y = block.states[-1]
    per_block = settle + 1
    H = float(FIRST_JUMP)
    while True:
        remaining = n_cycles - c
        if remaining <= 0:
            return _finish(run, y, c, False)
        # the margin to an event: never jump over more than half of its predicted life
        for j in margins:
            if s_o[j] < 0:
                H = min(H, 0.5 * o[j] / -s_o[j])
        # a jump must leave room for its end block and a final resolved stretch of at least two
        # cycles after its settling ones (the run's last, possibly incomplete, cycle is read
        # beside a complete one)
        H = min(H, remaining - per_block - settle - 2)
        if H < 2 * per_block + 2:
            if run.jumps == 0:  # no jump at all: the whole run in one piece, as a full solve
                block = resolve(np.asarray(y0, float), 0, n_cycles)
                run.blocks = [(0, block, 0)]
                return _finish(run, block.states[-1], len(block.states), block.event)
            block = resolve(y, c, remaining)
            run.blocks.append((c, block, settle))  # a restart: its fast states settle first
            return _finish(run, block.states[-1], c + len(block.states), block.event)
        Hi = int(H)
        # the jump that lands where only the final stretch is left: its end block goes on to
        # the end of the run (the fast states, settled, need not restart for the final cycles)
        last = remaining - Hi - per_block - settle - 2 == 0
        # the midpoint block's trusted (last) cycle is centred on the middle of the jump
        h1 = max(1, int(round(Hi / 2 - per_block + 0.5)))
        y_h1 = back(fwd(y) + h1 * s_y)
        mid = resolve(y_h1, c + h1, per_block)
        if mid.event:  # the margin shrank faster than linearly: resolve from here on
            H = 0.0
            continue
        # the mid block's trusted cycle is cycle c + h1 + per_block; the last trusted one, c
        at_mid = h1 + per_block
        m_y = fwd(mid.states[-1]) - fwd(mid.states[-2] if per_block > 1 else y_h1)
        m_o = mid.outputs[-1]
        scale_y = tol.state_atol + tol.rtol * np.maximum(np.abs(y), np.abs(mid.states[-1]))
        scale_o = tol.output_atol + tol.rtol * np.maximum(np.abs(o), np.abs(m_o))
        # step doubling: one Euler step of H against two of H/2 (in the jump coordinates they
        # differ by H/2 |s_mid - s|), compared in the states' units
        z = fwd(y)
        one, two = back(z + Hi * s_y), back(z + 0.5 * Hi * (s_y + m_y))
        err_y = float(np.nanmax(np.abs(two - one) / np.maximum(scale_y, 1e-300), initial=0))
        err_o = 0.0
        if err_y <= 1.0:
            y_end = back(z + Hi * m_y)  # the two-half-step (midpoint, second-order) value
            block = resolve(y_end, c + Hi, remaining - Hi if last else per_block)
            # the outputs: the skipped cycles are interpolated between the trusted ones, so the
            # midpoint's outputs are checked against the interpolation without them (the last
            # two knots and the end block's) - the error of an interpolation over the whole
            # jump, about four times that of the halves the run then uses
            if not block.event:
                end_cycle = c + Hi + per_block
                cyc = np.array([k for k, _ in knots[-2:]] + [end_cycle], float)
                val = np.array([v for _, v in knots[-2:]] + [block.outputs[per_block - 1]])
                guess = fill_cycles(cyc, val, np.array([c + at_mid], float))[0]
                err_o = float(
                    np.nanmax(np.abs(m_o - guess) / np.maximum(scale_o, 1e-300), initial=0)
                )
        # the states' error grows as H^2, the interpolation's as H^3
        factor = min(0.9 / np.sqrt(max(err_y, 1e-12)), 0.9 / np.cbrt(max(err_o, 1e-12)))
        if max(err_y, err_o) > 1.0:
            run.rejected += 1
            H = Hi * max(0.25, min(0.9, factor))
            continue
        run.jumps += 1
        run.blocks.append((c + h1, mid, settle))
        run.blocks.append((c + Hi, block, settle))
        knots.append((c + at_mid, m_o))
        if len(block.outputs) >= per_block:  # (an event may stop the end block early)
            knots.append((c + Hi + per_block, block.outputs[per_block - 1]))
        y = y_end
        c += Hi
        s_y = fwd(block.states[-1]) - fwd(block.states[-2] if per_block > 1 else y)
        # the outputs' per-cycle change: the secant from the midpoint block
        s_o = (block.outputs[-1] - m_o) / (Hi - h1)
        o = block.outputs[-1]
        c += len(block.states)
        y = block.states[-1]
        if progress is not None:
            progress(c)
        if block.event:
            return _finish(run, y, c, True)
        H = Hi * min(MAX_GROWTH, factor)


def _finish(run: EnvelopeRun, y: np.ndarray, n: int, event: bool) -> EnvelopeRun:
    run.final_state = np.asarray(y, float)
    run.n_cycles = n
    run.event = event
    return run


def fill_cycles(cycle: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Values at the cycle numbers ``at``, interpolated (PCHIP, monotone cubic) between the
    cycles ``cycle`` (sorted, unique) with ``values`` (shape ``(len(cycle), m)``); each column
    from its finite values only (e.g. a half cycle a cycle lacks), NaN where it has none."""
    from scipy.interpolate import PchipInterpolator

    cycle, values, at = np.asarray(cycle, float), np.asarray(values, float), np.asarray(at, float)
    if np.isfinite(values).all() and len(cycle) >= 2:
        return PchipInterpolator(cycle, values, axis=0)(at)
    out = np.full((len(at), values.shape[1]), np.nan)
    for j in range(values.shape[1]):
        ok = np.isfinite(values[:, j])
        if ok.sum() >= 2:
            out[:, j] = PchipInterpolator(cycle[ok], values[ok, j])(at)
        elif ok.any():
            out[:, j] = values[ok, j][0]
    return out
