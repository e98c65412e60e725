"""Run the model from the command line: ``python run.py --help``."""

import sys

from model.interfaces.cli import console

if __name__ == "__main__":
    sys.exit(console())
