"""``python -m open_backend.reference [--check]``: write (or check) the generated reference pages."""

from __future__ import annotations

import argparse
import sys

from open_backend.reference import configuration, graphql
from open_backend.reference.pages import Page, write_or_check

PAGES = [
    Page("configuration.md", configuration.render),
    Page("graphql-api.md", graphql.render),
]


def main(argv: list[str]) -> int:
    """Parse ``argv``, then write or check every page; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m open_backend.reference", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is stale")
    args = parser.parse_args(argv)
    return write_or_check(PAGES, check=args.check)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
