#!/usr/bin/env python3
"""Build the thesis: `python build.py` (PDF + DOCX), `python build.py pdf`, `--help` for options."""

import sys

from thesis.cli import main

if __name__ == "__main__":
    sys.exit(main())
