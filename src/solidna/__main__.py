"""``python -m solidna``: the ``solidna`` command line, for environments without its script on
the PATH (a venv that is not activated, a cluster job)."""

import os

# before anything imports PyBaMM (the console script sets it in solidna.cli.main too)
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

from solidna.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
