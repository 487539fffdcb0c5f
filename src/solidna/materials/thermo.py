"""Thermodynamics of the Na-CO2 cell reaction 4 Na + 3 CO2 -> 2 Na2CO3 + C.

Standard Gibbs energies of formation and entropies from the NIST-JANAF tables (Chase 1998; in the
parameter set), so (physics brief section 1.1)::

    dG = 2 dfG(Na2CO3) - 3 dfG(CO2)            (Na and C are elements in their standard state)
    E0 = -dG / (n F),  n = 4 electrons
    dE0/dT = dS / (n F)                           (dS from standard molar entropies)
    E(T, p) = E0(T) + (3 R T / 4 F) ln(p_CO2 / p0)   (Nernst, vs Na+/Na; 3 CO2 per 4 e-)

The theoretical specific energy per mass of reactants (Na + CO2) is ``E0 * n F / (4 M_Na +
3 M_CO2)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from solidna._docstrings import fill_doc
from solidna.parameters import lu2019
from solidna.parameters.parameter_set import require_entries
from solidna.units import to_si

__all__ = [
    "N_ELECTRONS",
    "reaction_gibbs_energy_J_mol",
    "reaction_entropy_J_mol_K",
    "standard_potential_V",
    "equilibrium_potential_V",
    "equilibrium_potential_temperature_coefficient_V_K",
    "specific_energy_Wh_kg",
    "product_molar_volume_m3_mol",
]

F = 96485.33212  # C/mol
R = 8.314462618  # J/(mol K)
T_STD = 298.15  # K
N_ELECTRONS = 4  # per 4 Na + 3 CO2


def _p(parameters: Mapping[str, float] | None, *names: str) -> Mapping[str, float]:
    """``parameters`` (default the Lu 2019 set), checked to hold ``names`` as finite numbers
    (:func:`~solidna.parameters.parameter_set.require_entries`)."""
    p = parameters if parameters is not None else lu2019()
    return require_entries(p, names, "the NIST-JANAF data of the Na-CO2 reaction")


_GIBBS = (
    "Na2CO3 standard Gibbs energy of formation [J.mol-1]",
    "CO2 standard Gibbs energy of formation [J.mol-1]",
)
_ENTROPY = (
    "Na2CO3 standard molar entropy [J.mol-1.K-1]",
    "Graphite standard molar entropy [J.mol-1.K-1]",
    "Na standard molar entropy [J.mol-1.K-1]",
    "CO2 standard molar entropy [J.mol-1.K-1]",
)


def _temperature_K(temperature: object) -> float:
    """A temperature [K]: a number in K, or a string with its unit (``"25 degC"``); None, a
    string without a number, 0 K or below, NaN and inf are refused (they reached the arithmetic
    as a TypeError or gave a NaN potential)."""
    return to_si(temperature, "K", "temperature (temperature_K)")


def _pressure_bar(pressure: object) -> float:
    """A CO2 partial pressure [bar] > 0 and finite: a number in bar, or a string with its unit
    (``"1 atm"``)."""
    return to_si(
        pressure,
        "bar",
        "CO2 partial pressure (co2_pressure_bar)",
        positive=True,
        hint='Give the CO2 partial pressure in bar, e.g. 1.0, or with a unit, e.g. "1 atm".',
    )


@fill_doc
def reaction_gibbs_energy_J_mol(parameters: Mapping[str, float] | None = None) -> float:
    """Standard reaction Gibbs energy [J/mol] of 4 Na + 3 CO2 -> 2 Na2CO3 + C at 298.15 K.

    %(Parameters: parameters)s

    Returns
    -------
    float
        Standard reaction Gibbs energy [J/mol] (per mole of reaction, 4 electrons).
    """
    p = _p(parameters, *_GIBBS)
    return (
        2 * p["Na2CO3 standard Gibbs energy of formation [J.mol-1]"]
        - 3 * p["CO2 standard Gibbs energy of formation [J.mol-1]"]
    )


@fill_doc
def reaction_entropy_J_mol_K(parameters: Mapping[str, float] | None = None) -> float:
    """Standard reaction entropy [J/(mol K)] from the standard molar entropies.

    %(Parameters: parameters)s

    Returns
    -------
    float
        Standard reaction entropy [J/(mol K)].
    """
    p = _p(parameters, *_ENTROPY)
    return (
        2 * p["Na2CO3 standard molar entropy [J.mol-1.K-1]"]
        + p["Graphite standard molar entropy [J.mol-1.K-1]"]
        - 4 * p["Na standard molar entropy [J.mol-1.K-1]"]
        - 3 * p["CO2 standard molar entropy [J.mol-1.K-1]"]
    )


@fill_doc
def standard_potential_V(
    temperature_K: float = T_STD, parameters: Mapping[str, float] | None = None
) -> float:
    """Standard potential [V vs Na+/Na] at ``temperature_K`` (linear in T with dS/nF; the heat
    capacity change is neglected, fine over the 10-60 degC range of the SSE).

    Parameters
    ----------
    %(thermo_temperature)s
    %(parameters)s

    Returns
    -------
    float
        Standard potential [V vs Na+/Na].

    Raises
    ------
    UnitError, OutOfRangeError
        ``temperature_K`` is not a temperature, or not a finite one above 0 K.
    InvalidOptionError
        ``parameters`` is not a mapping or lacks an entry of the reaction.
    """
    T = _temperature_K(temperature_K)
    p = _p(parameters)
    e0 = -reaction_gibbs_energy_J_mol(p) / (N_ELECTRONS * F)
    return e0 + reaction_entropy_J_mol_K(p) / (N_ELECTRONS * F) * (T - T_STD)


@fill_doc
def equilibrium_potential_V(
    temperature_K: float = T_STD,
    co2_pressure_bar: float = 1.0,
    parameters: Mapping[str, float] | None = None,
) -> float:
    """Equilibrium cell voltage [V] at a CO2 partial pressure (Nernst: +3RT/4F ln p/p0).

    Parameters
    ----------
    %(thermo_temperature)s
    %(co2_pressure, parameters)s

    Returns
    -------
    float
        Equilibrium cell voltage [V vs Na+/Na].

    Raises
    ------
    UnitError, OutOfRangeError
        A temperature or a pressure that cannot be read, or is not finite and > 0.
    InvalidOptionError
        ``parameters`` is not a mapping or lacks an entry of the reaction.
    """
    T = _temperature_K(temperature_K)
    p_co2 = _pressure_bar(co2_pressure_bar)
    return standard_potential_V(T, parameters) + 3 * R * T / (4 * F) * math.log(p_co2)


@fill_doc
def equilibrium_potential_temperature_coefficient_V_K(
    co2_pressure_bar: float = 1.0, parameters: Mapping[str, float] | None = None
) -> float:
    """dE_eq/dT [V.K-1] of :func:`equilibrium_potential_V`: ``dS/nF + (3R/4F) ln p`` (the law is
    linear in T: the heat capacity change is neglected).

    Parameters
    ----------
    %(co2_pressure, parameters)s

    Returns
    -------
    float
        Temperature coefficient of the equilibrium cell voltage [V.K-1].

    Raises
    ------
    UnitError, OutOfRangeError
        A pressure that cannot be read, or is not finite and > 0.
    InvalidOptionError
        ``parameters`` is not a mapping or lacks an entry of the reaction.
    """
    p_co2 = _pressure_bar(co2_pressure_bar)
    return reaction_entropy_J_mol_K(parameters) / (N_ELECTRONS * F) + 3 * R / (4 * F) * math.log(
        p_co2
    )


@fill_doc
def specific_energy_Wh_kg(parameters: Mapping[str, float] | None = None) -> float:
    """Theoretical specific energy [Wh/kg] per mass of reactants (4 Na + 3 CO2) at E0.

    %(Parameters: parameters)s

    Returns
    -------
    float
        Theoretical specific energy [Wh/kg].
    """
    p = _p(parameters, "Na molar mass [kg.mol-1]", "CO2 molar mass [kg.mol-1]")
    mass = 4 * p["Na molar mass [kg.mol-1]"] + 3 * p["CO2 molar mass [kg.mol-1]"]
    return standard_potential_V(T_STD, p) * N_ELECTRONS * F / 3600 / mass


@fill_doc
def product_molar_volume_m3_mol(parameters: Mapping[str, float] | None = None) -> float:
    """Volume of discharge product (1/2 Na2CO3 + 1/4 C) per mole of electrons [m3/mol].

    %(Parameters: parameters)s

    Returns
    -------
    float
        Product volume per mole of electrons [m3/mol].
    """
    p = _p(
        parameters,
        "Na2CO3 molar mass [kg.mol-1]",
        "Na2CO3 density [kg.m-3]",
        "Carbon molar mass [kg.mol-1]",
        "Carbon product density [kg.m-3]",
    )
    v_carbonate = p["Na2CO3 molar mass [kg.mol-1]"] / p["Na2CO3 density [kg.m-3]"]
    v_carbon = p["Carbon molar mass [kg.mol-1]"] / p["Carbon product density [kg.m-3]"]
    return 0.5 * v_carbonate + 0.25 * v_carbon
