"""`aurora` / `python -m aurora_desktop`."""

import sys

from aurora_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
