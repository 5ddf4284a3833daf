"""``check FILE``: validate the DAGs of a ``.py`` or ``.json`` file without running anything.

Prints one ``OK`` line per valid DAG (name, nodes, edges, levels, content hash) and every
problem of an invalid one (node id, field, message, suggestion). Exit 0 when all are valid, 1
otherwise. ``--json`` prints ``{"file", "ok", "error", "dags": [...]}`` instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core_engine.cli.errors import EXIT_FAILURE, EXIT_OK
from core_engine.cli.sources import Entry, Source, read_source
from core_engine.cli.table import plural
from core_engine.dag import DAG


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register ``check`` on the sub-command parsers ``commands``."""
    parser = commands.add_parser(
        "check",
        parents=parents,
        help="validate the DAGs of a .py or .json file without running them",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="a Python file defining DAGs, or a JSON definition")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    """The ``check`` command; returns the exit code."""
    source = read_source(args.file)
    if args.json:
        print(json.dumps(as_json(source), indent=2))
    else:
        print_report(source, debug=args.debug)
    return EXIT_OK if source.ok else EXIT_FAILURE


def summary(dag: DAG) -> dict[str, Any]:
    """Name, node, edge and level counts and content hash of a valid DAG."""
    return {
        "name": dag.name,
        "nodes": len(dag.nodes),
        "edges": len(dag.edges),
        "levels": max(dag.level) + 1 if dag.level else 0,
        "content_hash": dag.content_hash,
    }


def print_report(source: Source, debug: bool = False) -> None:
    """Human-readable report: OK lines and problems on stdout, a file-level error on stderr."""
    if source.error is not None:
        print(f"error: {source.error}", file=sys.stderr)
        if debug and source.detail:
            print(source.detail, file=sys.stderr, end="")
        return
    for entry in source.entries:
        print(_entry_text(entry))
    if source.detail and not source.ok:
        print(f"  ({source.detail})")


def _entry_text(entry: Entry) -> str:
    if entry.dag is not None:
        s = summary(entry.dag)
        counts = ", ".join(plural(s[key], key[:-1]) for key in ("nodes", "edges", "levels"))
        return f"OK    {s['name']}: {counts}, {s['content_hash']}"
    lines = [f"FAIL  {entry.name}: {plural(len(entry.issues), 'problem')}"]
    lines.extend(f"  - {issue}" for issue in entry.issues)
    return "\n".join(lines)


def as_json(source: Source) -> dict[str, Any]:
    """``{"file", "ok", "error", "dags"}``; each DAG is its summary plus ``ok`` and ``issues``."""
    dags = []
    for entry in source.entries:
        item: dict[str, Any] = {"name": entry.name, "ok": entry.dag is not None}
        if entry.dag is not None:
            item.update(summary(entry.dag))
        item["issues"] = [issue.to_dict() for issue in entry.issues]
        dags.append(item)
    return {"file": str(source.path), "ok": source.ok, "error": source.error, "dags": dags}
