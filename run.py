"""Run the model from the command line: ``python run.py --help``."""

import sys

from model.interfaces.cli import main

if __name__ == "__main__":
    sys.exit(main())
