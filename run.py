"""Run the model from the command line: ``python run.py --help``."""

import sys

if __name__ == "__main__":
    try:
        from model.interfaces.start import console
    except KeyboardInterrupt:  # Ctrl-C while Python loads the package: no traceback (model/interfaces/start.py)
        sys.exit(130)
    sys.exit(console())
