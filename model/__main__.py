"""``python -m model``: the same command line as ``python run.py``."""

import sys

from model.interfaces.cli import console

if __name__ == "__main__":
    sys.exit(console())
