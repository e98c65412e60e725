"""``python -m model``: the same command line as ``python run.py``."""

import sys

from model.interfaces.cli import main

if __name__ == "__main__":
    sys.exit(main())
