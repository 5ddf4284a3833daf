"""``docs/configuration.md``: every environment variable OPEN reads, generated.

The server's and the workers' variables come from :class:`~open_backend.settings.Settings`: each
field's ``validation_alias`` is the variable and its description reads
``"VARIABLE: meaning. Default: value"``. The few variables read outside ``Settings`` (by the
clients, the examples, the tests and the benchmarks) are listed in :data:`OTHER_VARIABLES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from open_backend.reference.pages import GENERATED_NOTE
from open_backend.settings import Settings


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, default and meaning (Markdown)."""

    name: str
    default: str
    meaning: str


#: Sections of the server's settings, each claiming the variables whose name contains one of its
#: words (the first matching section wins); variables no section claims go to "Other settings".
SECTIONS: Final = (
    (
        "Mode and storage",
        ("OPEN_ENV", "DATA_DIR", "DATABASE_URL", "OPEN_DB_", "ARTIFACT", "RESULT", "FRONTEND"),
    ),
    (
        "Queue, workers and leases",
        (
            "REDIS",
            "QUEUE",
            "WORKER_CONCURRENCY",
            "DRAIN",
            "LEASE",
            "HEARTBEAT",
            "RECONCILE",
            "REDISPATCH",
            "EVENT_FLUSH",
            "ALLOWED_CALLABLE",
        ),
    ),
    (
        "Security and sign-in",
        ("SECRET", "JWT", "TOKEN", "OIDC", "GITHUB", "PUBLIC_URL", "APP_URL", "GRAPHIQL"),
    ),
    ("Request and definition limits", ("OPEN_MAX_",)),
    ("Logs and metrics", ("LOG", "METRICS")),
)

#: Variables read outside ``Settings``, by section.
OTHER_VARIABLES: Final = {
    "Clients: `openctl` against a server and `open_sdk`": (
        Variable("OPEN_SERVER_URL", "`http://127.0.0.1:8000`", "the server (`/graphql` is added)"),
        Variable("OPEN_API_KEY", "unset", "an API key; acts in its organization with its role"),
        Variable("OPEN_TOKEN", "unset", "a user's access token, used when no API key is given"),
        Variable(
            "OPEN_ORGANIZATION", "the oldest membership", "the organization a user acts in (`openctl` only)"
        ),
    ),
    "Examples (`open_examples`)": (
        Variable(
            "OPEN_ARTIFACT_DIR",
            "`<system temp dir>/open-examples`",
            "where the examples write their reports (the server's setting of the same name, when set)",
        ),
        Variable(
            "OPEN_EXAMPLES_BUILD_DIR",
            "`<system temp dir>/open-examples/build`",
            "where the native example compiles its C program",
        ),
        Variable("CC", "`cc`", "the C compiler of the native example"),
        Variable(
            "OPEN_WFCOMMONS_DIR",
            "`../shared/data/wfcommons` from the repository root",
            "the WfCommons instances of the scientific example and benchmark",
        ),
    ),
    "Tests and benchmarks": (
        Variable(
            "OPEN_TEST_POSTGRES_URL",
            "`postgresql+asyncpg://postgres@127.0.0.1:5432/postgres`",
            "a PostgreSQL server whose role may create databases; each test run makes and drops its own",
        ),
        Variable("OPEN_BENCH_POSTGRES_URL", "unset", "PostgreSQL for the API and platform benchmarks"),
        Variable("OPEN_BENCH_REDIS_URL", "unset", "Redis for the platform benchmarks"),
    ),
}


def settings_variables() -> list[Variable]:
    """The variables of :class:`Settings`, in declaration order.

    Raises:
        ValueError: a field has no ``validation_alias``, or its description does not start with
            ``"<alias>: "`` or lacks ``"Default: "``.
    """
    out = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        description = field.description or ""
        if not isinstance(alias, str):
            raise ValueError(f"Settings.{name} has no validation_alias naming its environment variable")
        prefix = f"{alias}: "
        if not description.startswith(prefix) or "Default: " not in description:
            raise ValueError(f"Settings.{name}: the description must read '{prefix}meaning. Default: value'")
        meaning, _, default = description.removeprefix(prefix).rpartition("Default: ")
        out.append(Variable(alias, default.strip().rstrip("."), meaning.strip().rstrip(".;")))
    return out


def markdown_cell(text: str) -> str:
    """``text`` safe in a Markdown table cell (pipes and angle brackets escaped)."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _table(variables: list[Variable] | tuple[Variable, ...]) -> list[str]:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{v.name}` | {markdown_cell(v.default)} | {markdown_cell(v.meaning)} |" for v in variables]
    return rows


def _section_of(name: str) -> str:
    for title, words in SECTIONS:
        if any(word in name for word in words):
            return title
    return "Other settings"


def render() -> str:
    """The Markdown of ``docs/configuration.md``."""
    variables = settings_variables()
    grouped: dict[str, list[Variable]] = {title: [] for title, _ in SECTIONS}
    for variable in variables:
        grouped.setdefault(_section_of(variable.name), []).append(variable)
    lines = [
        "# Configuration",
        "",
        GENERATED_NOTE,
        "",
        "OPEN is configured by environment variables only. Every one is optional: with none set,",
        "`openctl server` runs on an embedded SQLite database in `.data/` and runs executions itself",
        "([getting-started.md](getting-started.md)). An empty variable counts as unset. Durations",
        "are in seconds and sizes in bytes.",
        "",
        "The server, `openctl worker` and the operator commands read their variables once, at start,",
        "into `open_backend.settings.Settings`, and refuse to start on a bad value with a message",
        "naming the variable. `OPEN_ENV=production` also refuses the development secret key. A",
        "production deployment sets at least `OPEN_ENV`, `OPEN_SECRET_KEY`, `DATABASE_URL` and",
        "`REDIS_URL`; [durable-execution.md](durable-execution.md) explains the lease and worker",
        "timings, [task-types.md](task-types.md) the allow-list of Python modules.",
        "",
        f"## Server and workers ({len(variables)} variables)",
        "",
    ]
    for title, members in grouped.items():
        if members:
            lines += [f"### {title}", "", *_table(members), ""]
    lines += [
        "## Read outside the server",
        "",
        "Not settings of the server: these are read by the programs named.",
        "",
    ]
    for title, others in OTHER_VARIABLES.items():
        lines += [f"### {title}", "", *_table(others), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def documented_names() -> set[str]:
    """Every variable the page documents."""
    others = {variable.name for group in OTHER_VARIABLES.values() for variable in group}
    return {variable.name for variable in settings_variables()} | others
