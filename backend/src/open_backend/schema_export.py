"""Write the GraphQL schema as SDL: ``python -m open_backend.schema_export [--output PATH] [--check]``.

The file (default: ``docs/schema.graphql`` of the repository this package is checked out in) is
what the frontend generates its types from and what reviewers read; a test fails when it is out
of date. ``--check`` writes nothing and exits 1 when the file differs from the schema.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from strawberry.printer import print_schema

from open_backend.graphql.schema import schema

#: ``docs/schema.graphql`` of the checkout: this file is ``backend/src/open_backend/schema_export.py``.
DEFAULT_OUTPUT: Final = Path(__file__).resolve().parents[3] / "docs" / "schema.graphql"


def render_schema() -> str:
    """The schema's SDL, as written to the file (ending with one newline)."""
    return print_schema(schema).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    """Write (or with ``--check`` compare) the SDL file; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m open_backend.schema_export", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is missing or out of date")
    args = parser.parse_args(argv)
    text = render_schema()
    path: Path = args.output
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            print(f"{path} is out of date: run `python -m open_backend.schema_export`", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
