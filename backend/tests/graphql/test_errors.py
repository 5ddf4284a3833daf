"""What clients see of errors: codes, details, and nothing of the server's internals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
import strawberry
from graphql import GraphQLError

from open_backend.db.models import Role
from open_backend.errors import NotFound, RateLimited, Unauthenticated
from open_backend.graphql.errors import INTERNAL_MESSAGE, ErrorFormatter, OpenSchema, format_error
from open_backend.graphql.limits import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from open_backend.graphql.schema import create_schema

if TYPE_CHECKING:
    from conftest import Api


async def test_a_database_error_is_internal_without_sql_or_trace(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    editor = await api.member()
    await api.session.exec(sa.text("ALTER TABLE dags RENAME TO dags_gone"))  # type: ignore[call-overload]
    with caplog.at_level(logging.ERROR, logger="open_backend.graphql.errors"):
        result = await api.run("{ dags { totalCount } }", editor)
    [error] = result.errors
    assert error["message"] == INTERNAL_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL"}
    text = str(result.errors).lower()
    assert "dags_gone" not in text and "select" not in text and "traceback" not in text
    assert "dags" in caplog.text and "select" in caplog.text.lower()  # the server log has the details


@strawberry.type
class Broken:
    @strawberry.field
    def secret(self) -> str:
        raise RuntimeError("password=hunter2 at /srv/app/secret.py")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("no such thing", {"id": "42"})


broken_schema = OpenSchema(query=Broken, extensions=[ErrorFormatter])


async def test_an_unexpected_exception_becomes_internal(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="open_backend.graphql.errors"):
        result = await broken_schema.execute("{ secret }")
    [error] = [e.formatted for e in result.errors or []]
    assert error["message"] == INTERNAL_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL"}
    assert error["path"] == ["secret"]
    assert "hunter2" in caplog.text


async def test_an_app_error_keeps_its_message_code_and_details() -> None:
    result = await broken_schema.execute("{ missing }")
    [error] = [e.formatted for e in result.errors or []]
    assert (error["message"], error["extensions"]) == (
        "no such thing",
        {"code": "NOT_FOUND", "details": {"id": "42"}},
    )


async def test_client_errors_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="open_backend.graphql.errors"):
        await broken_schema.execute("{ missing }")
        await broken_schema.execute("{ nope }")
    assert caplog.records == []


def test_formatting_is_idempotent() -> None:
    once = format_error(GraphQLError("x", original_error=RateLimited("slow down", {"retry_after": 3})))
    assert format_error(once) is once
    assert once.extensions == {"code": "RATE_LIMITED", "details": {"retry_after": 3}}


@pytest.mark.parametrize(
    "query",
    [
        "{ dags { totalCount ",
        "{ noSuchField }",
        "{ dag(id: 3.5) { id } }",
        "query($x: Int!) { taskTypes { name } }",
    ],
)
async def test_malformed_documents_are_validation_failures(api: Api, query: str) -> None:
    result = await api.run(query, await api.member())
    assert result.codes and set(result.codes) == {"VALIDATION_FAILED"}
    assert INTERNAL_MESSAGE not in str(result.errors)


async def test_a_variable_of_the_wrong_type_is_a_validation_failure(api: Api) -> None:
    result = await api.run("query($f: Int) { dags(first: $f) { totalCount } }", await api.member(), f="ten")
    assert result.codes == ["VALIDATION_FAILED"]


async def test_an_authentication_error_is_raised_by_protected_fields_only(api: Api) -> None:
    expired = Unauthenticated("the access token has expired", {"reason": "expired"})
    protected = await api.run("{ taskTypes { name } }", None, auth_error=expired)
    assert protected.codes == ["UNAUTHENTICATED"]
    assert protected.errors[0]["extensions"]["details"] == {"reason": "expired"}
    public = await api.run('mutation { signOut(refreshToken: "unknown") }', None, auth_error=expired)
    assert public.ok() == {"signOut": True}


def nested(levels: int) -> str:
    """A document whose fields nest ``levels`` deep below its root field (counted from 0)."""
    return "{ " + " { ".join(["dags"] + ["edges"] * levels) + " }" * (levels + 1)


async def test_a_document_deeper_than_the_limit_is_refused(api: Api) -> None:
    query = nested(MAX_QUERY_DEPTH + 1)
    result = await api.run(query, await api.member())
    assert "VALIDATION_FAILED" in result.codes
    assert any("exceeds maximum operation depth" in error["message"] for error in result.errors)
    assert result.data is None


async def test_a_document_at_the_depth_limit_passes_the_depth_check(api: Api) -> None:
    result = await api.run(nested(MAX_QUERY_DEPTH), await api.member())
    assert result.errors  # edges { edges } is no field of the schema, but depth is not the complaint
    assert not any("depth" in error["message"] for error in result.errors)


async def test_the_deepest_useful_query_runs(api: Api) -> None:
    query = "{ dags { edges { node { versions { edges { node { createdBy { id } } } } } } } }"
    assert not (await api.run(query, await api.member())).errors


async def test_too_many_aliases_are_refused(api: Api) -> None:
    fields = " ".join(f"t{i}: taskTypes {{ name }}" for i in range(MAX_ALIASES + 1))
    result = await api.run("{ " + fields + " }", await api.member())
    assert result.codes == ["VALIDATION_FAILED"]
    assert f"Allowed: {MAX_ALIASES}" in result.errors[0]["message"]


async def test_aliases_up_to_the_limit_are_allowed(api: Api) -> None:
    fields = " ".join(f"t{i}: taskTypes {{ name }}" for i in range(MAX_ALIASES))
    assert not (await api.run("{ " + fields + " }", await api.member(role=Role.VIEWER))).errors


async def test_a_document_with_too_many_tokens_is_refused(api: Api) -> None:
    query = "{ taskTypes { " + " ".join(["name"] * MAX_TOKENS) + " } }"
    result = await api.run(query, await api.member())
    assert result.codes == ["VALIDATION_FAILED"]
    assert "tokens" in result.errors[0]["message"]


async def test_introspection_is_refused_when_disabled() -> None:
    query = "{ __schema { queryType { name } } }"
    disabled = await create_schema(introspection=False).execute(query)
    enabled = await create_schema(introspection=True).execute(query)
    refused = [e.formatted for e in disabled.errors or []]
    assert refused and {e["extensions"]["code"] for e in refused} == {"VALIDATION_FAILED"}
    assert "introspection has been disabled" in refused[0]["message"]
    assert disabled.data is None
    assert enabled.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_does_not_count_towards_the_depth_limit() -> None:
    nested = "ofType { " * 12 + "name" + " }" * 12
    result = await create_schema().execute('{ __type(name: "Dag") { fields { type { ' + nested + " } } } }")
    assert not result.errors


async def test_repeated_failed_sign_ins_are_rate_limited_with_a_retry_delay(api: Api) -> None:
    sign_in = 'mutation { signIn(input: {email: "ghost@example.org", password: "wrong!"}) { accessToken } }'
    failures = [await api.run(sign_in) for _ in range(api.limiter.limits.account)]
    limited = await api.run(sign_in)
    assert {code for result in failures for code in result.codes} == {"UNAUTHENTICATED"}
    assert limited.codes == ["RATE_LIMITED"]
    assert limited.errors[0]["extensions"]["details"]["retry_after"] > 0
