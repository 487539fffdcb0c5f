"""Materials of the Lu 2019 cells: the SN/PVDF-HFP/NaClO4 solid electrolyte
(:mod:`~solidna.materials.electrolyte`, Fig. 3) and the Na-CO2 reaction thermodynamics
(:mod:`~solidna.materials.thermo`, NIST-JANAF data). Plain functions of a parameter set; no PyBaMM.
"""
