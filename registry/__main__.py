"""`python -m registry`: the same as the `registry` command."""

import sys

from registry.cli import main

if __name__ == "__main__":
    sys.exit(main())
