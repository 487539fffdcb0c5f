"""What a calibration knows: sensitivities, identifiable combinations and parameter uncertainty.

At the optimum of a fit to ``calibrate`` targets, the Jacobian ``J[i, j] = d ln y_i / d x_j`` of
the log model values ``y_i`` with respect to the free coordinates ``x_j`` (``ln p_j`` for a
parameter fitted in log space, ``p_j`` itself for one fitted in linear space) says how each
target moves with each parameter. Scaling each row by the target's standard uncertainty
``s_i`` (in log space) gives ``S = diag(1/s) J``; then, linearised (Gauss-Newton; Bard 1974,
Nonlinear Parameter Estimation, ch. 7):

* the singular values and right singular vectors of ``S`` are the identifiable combinations of
  parameters: a combination along a vector with a small singular value is poorly determined;
* the covariance of the free coordinates is ``C = (S^T S)^-1`` (a pseudo-inverse: a direction
  with a vanishing singular value has no finite uncertainty and is reported as ``inf``);
* the standard uncertainties are ``sqrt(diag C)`` and the correlations ``C_jk / (u_j u_k)``.

The target's uncertainty is read from its acceptance band in ``targets.yaml``: the band is taken
as one standard uncertainty of the paper's number (a relative band ``rel`` gives
``ln(1 + rel)``, an absolute band ``abs`` gives ``abs / |value|``). A number read from a plot or
rounded in the text is uncertain by about that much; the reading is stated, not hidden, and a
tighter reading scales every uncertainty down in proportion.

:func:`sigma_point_sets` turns the covariance into a few parameter sets for prediction bands
(one standard deviation along each principal axis: n runs, exact for a linear model and a fair
first look at a curved one; a one-sided step keeps ``make reproduce`` within its time budget).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.errors import DataFormatError
from solidna.parameters import ParameterSet
from solidna.targets import Target

__all__ = [
    "Identifiability",
    "target_sigma_log",
    "identifiability",
    "sigma_point_sets",
    "band",
    "fitted_analysis",
    "propagate",
    "UNCERTAINTY_METHOD",
    "SINGULAR_CUTOFF",
]

#: How the stored uncertainties were obtained (written beside every fitted value).
UNCERTAINTY_METHOD = (
    "linearised at the optimum (forward-difference Jacobian of ln(model) in the fitted "
    "coordinates, 2 % steps); covariance (S^T S)^-1 with S the Jacobian scaled by the targets' "
    "tolerances read as one standard uncertainty (solidna.calibrate.uncertainty)"
)
#: Singular values below this share of the largest are treated as zero (no information).
SINGULAR_CUTOFF = 1e-8


def target_sigma_log(target: Target) -> float:
    """One standard uncertainty of ``ln(value)`` of a target, read from its tolerance band.

    Parameters
    ----------
    target : Target
        A numeric ``calibrate`` (or ``validate``) target with ``tol`` ``rel`` or ``abs``.

    Returns
    -------
    float
        ``ln(1 + rel)`` for a relative band, ``abs / |value|`` for an absolute one [-].
    """
    try:
        if isinstance(target.value, bool):  # a yes/no target has no magnitude to weigh
            raise TypeError
        value = abs(float(target.value))
    except (TypeError, ValueError):
        raise DataFormatError(
            f"Target {target.id!r} has no numeric value ({target.value!r}); only numbers can "
            "weigh a calibration."
        ) from None
    if "rel" in target.tol:
        return math.log1p(float(target.tol["rel"]))
    if "abs" in target.tol and value > 0:
        return float(target.tol["abs"]) / value
    raise DataFormatError(
        f"Target {target.id!r} has no usable tolerance ({target.tol!r}); give tol: {{rel: r}} "
        "or tol: {abs: a} with a non-zero value in targets.yaml."
    )


def _matrix_blocks(
    rows: Sequence[str],
    cols: Sequence[str],
    matrix: np.ndarray,
    width: int,
    tail: tuple[str, Sequence[str]] | None = None,
    fmt: str = "7.3g",
) -> list[str]:
    """Lines of ``matrix`` (8 characters a number, ``fmt``) under ``cols``, split into blocks of
    columns so that each line fits ``width``; ``tail`` (heading, one text per row) ends the last
    block."""
    row_w = max(map(len, rows), default=0)
    per_block = max(1, (width - row_w - (len(tail[0]) if tail else 0)) // 8)
    lines = []
    for b in range(0, max(len(cols), 1), per_block):
        block = range(b, min(b + per_block, len(cols)))
        last = tail is not None and block.stop == len(cols)
        lines.append(
            " " * row_w + "".join(f"{cols[j]:>8s}" for j in block) + (tail[0] if last else "")
        )
        for i, label in enumerate(rows):
            numbers = "".join(f" {matrix[i, j]:{fmt}}" for j in block)
            lines.append(f"{label:{row_w}s}{numbers}" + (tail[1][i] if last else ""))
    return lines


@dataclass(frozen=True)
class Identifiability:
    """Sensitivities and linearised uncertainties of a calibration at its optimum.

    Attributes
    ----------
    parameters : tuple of str
        Free parameter names, in the order of the columns.
    targets : tuple of str
        Target ids, in the order of the rows.
    log_space : tuple of bool
        Whether each parameter is fitted as ``ln p`` (True) or ``p`` (False).
    values : tuple of float
        The fitted parameter values (natural units).
    sensitivity : ndarray (targets x parameters)
        ``d ln y_i / d x_j`` (for a log-space parameter: the elasticity, % per %).
    target_sigma : ndarray
        Standard uncertainty of ``ln y_i`` of each target (from its tolerance).
    """

    parameters: tuple[str, ...]
    targets: tuple[str, ...]
    log_space: tuple[bool, ...]
    values: tuple[float, ...]
    sensitivity: np.ndarray
    target_sigma: np.ndarray

    # -- derived quantities --------------------------------------------------------------------
    @property
    def scaled(self) -> np.ndarray:
        """The Jacobian in units of each target's uncertainty, ``diag(1/s) J``."""
        return self.sensitivity / self.target_sigma[:, None]

    def _svd(self) -> tuple[np.ndarray, np.ndarray]:
        """Singular values (padded with zeros to one per parameter) and the right singular
        vectors (rows, a full basis of the parameter space), signs fixed so that reruns
        compare equal (largest component positive)."""
        _, s, vt = np.linalg.svd(self.scaled, full_matrices=True)
        s = np.concatenate([s, np.zeros(len(self.parameters) - len(s))])
        signs = np.sign(vt[np.arange(len(s)), np.argmax(np.abs(vt), axis=1)])
        return s, vt * signs[:, None]

    @property
    def singular_values(self) -> np.ndarray:
        """Singular values of :attr:`scaled`, largest first: how many target-uncertainties a
        unit change along each identifiable combination moves the targets."""
        return self._svd()[0]

    @property
    def singular_vectors(self) -> np.ndarray:
        """Right singular vectors (rows), in the free coordinates: the combinations."""
        return self._svd()[1]

    @property
    def covariance(self) -> np.ndarray:
        """Covariance of the free coordinates; a parameter with a share in an unidentifiable
        direction (singular value below :data:`SINGULAR_CUTOFF` of the largest) gets ``inf``."""
        s, vt = self._svd()
        good = s > SINGULAR_CUTOFF * max(float(s.max()), 1e-300)
        cov = (vt[good].T / s[good] ** 2) @ vt[good]
        if not good.all():
            lost = np.any(np.abs(vt[~good]) > 1e-9, axis=0)
            cov[lost, :] = np.inf
            cov[:, lost] = np.inf
        return cov

    @property
    def std(self) -> np.ndarray:
        """Standard uncertainty of each free coordinate (of ``ln p`` for a log-space one)."""
        return np.sqrt(np.abs(np.diag(self.covariance)))

    @property
    def correlation(self) -> np.ndarray:
        """Correlation matrix of the free coordinates."""
        u = self.std
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = self.covariance / np.outer(u, u)
        np.fill_diagonal(corr, 1.0)
        return np.where(np.isfinite(corr), corr, np.nan)

    @fill_doc
    def uncertainty(self, name: str) -> float:
        """Linearised standard uncertainty of parameter ``name`` in its own unit.

        %(Parameters: parameter_name)s

        Returns
        -------
        float
            Standard uncertainty, in the parameter's unit.
        """
        k = self.parameters.index(name)
        u = float(self.std[k])
        return abs(self.values[k]) * u if self.log_space[k] else u

    @fill_doc
    def factor(self, name: str) -> float | None:
        """``exp(u)`` of a log-space parameter: the value is known within x/÷ this factor.

        %(Parameters: parameter_name)s

        Returns
        -------
        float or None
            The factor [-], or None for a parameter not fitted in log space.
        """
        k = self.parameters.index(name)
        return float(math.exp(min(self.std[k], 700))) if self.log_space[k] else None

    # -- presentation and storage --------------------------------------------------------------
    def table(self, width: int = 80) -> str:
        """A plain-text table: values with uncertainties, sensitivities, combinations, and
        correlations (what ``solidna calibrate`` prints); parameters are numbered p1, p2, ...

        Parameters
        ----------
        width : int, optional
            Line width [characters]: a parameter name that does not fit beside its numbers gets
            a line of its own, and the sensitivity matrix is split into blocks of columns.

        Returns
        -------
        str
            The table, lines at most ``width`` characters (an unusually long target id or
            parameter name excepted).
        """
        cols = [f"p{k + 1}" for k in range(len(self.parameters))]
        values = [f"{v:<12.5g}" for v in self.values]
        uncs = []
        for k, name in enumerate(self.parameters):
            if not math.isfinite(self.std[k]):
                uncs.append("not determined (no finite uncertainty)")
            elif self.log_space[k]:
                uncs.append(f"x/÷ {self.factor(name):.3g} (±{100 * self.std[k]:.3g} % in ln)")
            else:
                uncs.append(f"± {self.uncertainty(name):.3g}")
        numbers = max(13 + len(u) for u in uncs)  # value column and 1-sigma
        name_w = max(10, min(max(map(len, self.parameters)), width - 6 - numbers))
        lines = [f"     {'parameter':{name_w}s} {'value':12s} 1-sigma"]
        for k, name in enumerate(self.parameters):
            if len(name) > name_w:  # the name alone, its numbers below in their columns
                lines.append(f"{cols[k]:>4s} {name}")
                lines.append(f"{'':>4s} {'':{name_w}s} {values[k]} {uncs[k]}")
            else:
                lines.append(f"{cols[k]:>4s} {name:{name_w}s} {values[k]} {uncs[k]}")
        lines.append("")
        lines.append("sensitivity d ln(target)/d ln(p) (per unit for a linear p); target 1-sigma")
        sigma = [f"  {x:7.3g}" for x in self.target_sigma]
        lines += _matrix_blocks(self.targets, cols, self.sensitivity, width, ("    sigma", sigma))
        lines.append("")
        lines.append("identifiable combinations, best determined first (singular value: vector)")
        for s, v in zip(self.singular_values, self.singular_vectors, strict=True):
            # a no-break space keeps each coefficient with its parameter when the line wraps
            terms = " ".join(f"{c:+.2f}\u00a0{n}" for c, n in zip(v, cols, strict=True))
            wrapped = textwrap.wrap(
                terms, width, initial_indent=f"  {s:9.3g}: ", subsequent_indent=" " * 13
            )
            lines += [line.replace("\u00a0", " ") for line in wrapped]
        lines.append("")
        lines.append("correlations")
        lines += _matrix_blocks(
            [f"{c:>4s}" for c in cols], cols, self.correlation, width, fmt="7.3f"
        )
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """The analysis as plain lists (the ``[meta.uncertainty]`` table of a fitted file)."""

        def clean(a: np.ndarray) -> list:
            return np.where(np.isfinite(a), a, 1e300).tolist()  # TOML has inf, but keep it plain

        return {
            "method": UNCERTAINTY_METHOD,
            "parameters": list(self.parameters),
            "targets": list(self.targets),
            "log_space": list(self.log_space),
            "values": list(self.values),
            "target_sigma_log": self.target_sigma.tolist(),
            "sensitivity": self.sensitivity.tolist(),
            "singular_values": self.singular_values.tolist(),
            "singular_vectors": self.singular_vectors.tolist(),
            "covariance": clean(self.covariance),
            "std": clean(self.std),
            "correlation": np.nan_to_num(self.correlation, nan=0.0).tolist(),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Identifiability:
        """Rebuild from :meth:`to_record` (e.g. ``ParameterSet.meta[...]["uncertainty"]``)."""
        try:
            return cls(
                parameters=tuple(record["parameters"]),
                targets=tuple(record["targets"]),
                log_space=tuple(bool(b) for b in record["log_space"]),
                values=tuple(float(v) for v in record["values"]),
                sensitivity=np.asarray(record["sensitivity"], float),
                target_sigma=np.asarray(record["target_sigma_log"], float),
            )
        except KeyError as exc:
            raise DataFormatError(
                f"Uncertainty record lacks {exc}; rerun the calibration to write it."
            ) from None


def identifiability(
    jacobian: np.ndarray,
    parameters: Sequence[str],
    values: Sequence[float],
    targets: Mapping[str, Target] | Sequence[Target],
    log_space: Sequence[bool] | None = None,
) -> Identifiability:
    """The :class:`Identifiability` of a fit from its Jacobian at the optimum.

    Parameters
    ----------
    jacobian : array (targets x parameters)
        ``d ln(model_i) / d x_j`` at the optimum (``x_j = ln p_j`` or ``p_j``).
    parameters : sequence of str
        Free parameter names (columns).
    values : sequence of float
        Fitted values (natural units).
    targets : mapping or sequence of Target
        The calibrate targets of the rows, in order.
    log_space : sequence of bool, optional
        Whether each column is ``ln p`` (default: all).
    """
    tlist = list(targets.values()) if isinstance(targets, Mapping) else list(targets)
    jac = np.asarray(jacobian, float)
    if jac.shape != (len(tlist), len(parameters)):
        raise DataFormatError(
            f"Jacobian shape {jac.shape} does not match {len(tlist)} targets x "
            f"{len(parameters)} parameters."
        )
    return Identifiability(
        parameters=tuple(parameters),
        targets=tuple(t.id for t in tlist),
        log_space=tuple(log_space) if log_space is not None else (True,) * len(parameters),
        values=tuple(float(v) for v in values),
        sensitivity=jac,
        target_sigma=np.array([target_sigma_log(t) for t in tlist]),
    )


def sigma_point_sets(
    parameters: ParameterSet,
    analysis: Identifiability,
    only: Sequence[str] | None = None,
) -> list[ParameterSet]:
    """Parameter sets one standard deviation from the optimum along each principal axis of the
    covariance (of the parameters ``only``, default all): ``m`` sets.

    A prediction ``y`` computed at the optimum (``y0``) and at these sets (``y_k``) has the
    linearised standard uncertainty ``sqrt(sum_k (y_k - y0)^2)`` (:func:`band`): with
    ``C = sum_k s_k s_k^T`` (``s_k`` the steps), ``g C g^T = sum_k (g . s_k)^2``.
    Restricting to the parameters a prediction depends on (the marginal covariance) saves runs
    without changing the result. An unidentifiable direction (a covariance that is not finite)
    has no sigma point: the call raises, naming the calibration's parameters.

    Parameters
    ----------
    parameters : ParameterSet
        The set at the optimum (its fitted values are the centre of the steps).
    analysis : Identifiability
        The calibration's linearised analysis (e.g. from :func:`fitted_analysis`).
    only : sequence of str, optional
        Names of the fitted parameters to perturb (the marginal covariance); default all of
        ``analysis.parameters``.

    Returns
    -------
    list of ParameterSet
        One set per perturbed parameter (``m`` sets), each one standard deviation along one
        principal axis: a log-space parameter multiplied by ``exp(step)``, a linear one shifted
        by ``step`` in its own unit; provenance ``fitted``, source "calibration sigma point".

    Raises
    ------
    DataFormatError
        The covariance of the chosen parameters is not finite (a combination of them is not
        determined by the calibration).
    """
    names = list(only) if only is not None else list(analysis.parameters)
    idx = [analysis.parameters.index(n) for n in names]
    cov = analysis.covariance[np.ix_(idx, idx)]
    if not np.all(np.isfinite(cov)):
        raise DataFormatError(
            "The calibration leaves a combination of "
            + ", ".join(names)
            + " undetermined (infinite variance); no finite band can be drawn."
        )
    lam, vec = np.linalg.eigh(cov)
    sets = []
    for k in range(len(names)):
        step = math.sqrt(max(lam[k], 0.0)) * vec[:, k]
        new = {}
        for j, (name, p) in enumerate(zip(names, idx, strict=True)):
            new[name] = (
                parameters[name] * math.exp(step[j])
                if analysis.log_space[p]
                else parameters[name] + step[j]
            )
        sets.append(
            parameters.updated(
                new,
                method="fitted",
                source="calibration sigma point",
                note=f"1 sd along principal axis {k + 1} of the calibration's covariance",
            )
        )
    return sets


def band(center: Any, points: Sequence[Any]) -> Any:
    """Linearised standard uncertainty of a prediction from its values at the sigma points of
    :func:`sigma_point_sets`: ``sqrt(sum_k (y_k - y0)^2)``.

    ``center`` and each point may be numbers or equal-shape arrays (e.g. a curve on a fixed
    grid); the result has the same shape.

    Parameters
    ----------
    center : float or array_like of float
        The prediction ``y0`` at the optimum, in its own unit.
    points : sequence of float or array_like of float
        The predictions ``y_k`` at the sigma points, same unit and shape as ``center``.

    Returns
    -------
    float or numpy.ndarray of float
        Standard uncertainty of the prediction, in the unit of ``center`` (zeros when
        ``points`` is empty).
    """
    y0 = np.asarray(center, float)
    steps = [np.asarray(p, float) - y0 for p in points]
    out = np.sqrt(np.sum(np.square(steps), axis=0)) if steps else np.zeros_like(y0)
    return float(out) if np.ndim(out) == 0 else out


def fitted_analysis(parameters: ParameterSet, calibration: str) -> Identifiability | None:
    """The :class:`Identifiability` recorded by a calibration in ``parameters`` (its
    ``fitted_<calibration>.toml``), or ``None`` when the set carries no such record.

    Parameters
    ----------
    parameters : ParameterSet
        The set whose metadata holds the calibration's record.
    calibration : str
        ``"symmetric"``, ``"na_co2"``, ``"nvp"`` (or ``"electrolyte"``): whose record.

    Returns
    -------
    Identifiability or None
        The sensitivities and linearised uncertainties at the optimum, or ``None``.

    Raises
    ------
    DataFormatError
        The record is incomplete (rerun the calibration).
    """
    record = parameters.meta.get(f"fitted_{calibration}", {}).get("uncertainty")
    return None if record is None else Identifiability.from_record(record)


def propagate(
    parameters: ParameterSet,
    calibration: str,
    compute: Callable[[ParameterSet], Any],
    only: Sequence[str] | None = None,
) -> tuple[list[Any], str]:
    """``compute`` at the sigma points of a calibration's covariance (:func:`sigma_point_sets`).

    Parameters
    ----------
    parameters : ParameterSet
        The set at whose values the band is centred (its fitted values are perturbed).
    calibration : str
        ``"symmetric"``, ``"na_co2"``, ``"nvp"`` (or ``"electrolyte"``): whose covariance.
    compute : callable
        ``ParameterSet -> value`` (a number or an array on a fixed grid).
    only : sequence of str, optional
        The fitted parameters the prediction depends on (fewer runs; the marginal covariance).

    Returns
    -------
    values, note : list, str
        The values, one per principal axis (a failed run is left out and named in the note);
        :func:`band` turns them into a standard uncertainty. Empty when the set carries no
        uncertainty record.
    """
    analysis = fitted_analysis(parameters, calibration)
    if analysis is None:
        return [], f"no uncertainty record of the {calibration} calibration in this parameter set"
    sets = sigma_point_sets(parameters, analysis, only)
    values: list[Any] = []
    failed = []
    for k, sigma_set in enumerate(sets):
        try:
            values.append(compute(sigma_set))
        except Exception as exc:  # one failed sigma point is recorded, not fatal
            failed.append(f"axis {k + 1}: {type(exc).__name__}: {exc}")
    note = (
        f"{len(values)} runs at 1 sd along the principal axes of the {calibration} "
        f"calibration's covariance"
        + (f" ({len(only)} of its parameters)" if only is not None else "")
        + (f"; failed and left out: {'; '.join(failed)}" if failed else "")
    )
    return values, note
