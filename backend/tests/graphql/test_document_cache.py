"""Parsing and validation results are cached per document text, and the limits still hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from open_backend.graphql.limits import DOCUMENT_CACHE_SIZE, MAX_ALIASES

if TYPE_CHECKING:
    from conftest import Api


async def test_a_repeated_document_is_parsed_and_validated_once(api: Api) -> None:
    caller = await api.member()
    query = "{ taskTypes { name description } dags { totalCount } }"
    parse, validate = _get_parse_cache(DOCUMENT_CACHE_SIZE), _get_validate_cache(DOCUMENT_CACHE_SIZE)
    first = await api.run(query, caller)
    parsed, validated = parse.cache_info(), validate.cache_info()
    again = await api.run(query, caller)
    assert again == first and not first.errors
    assert parse.cache_info().hits == parsed.hits + 1 and parse.cache_info().misses == parsed.misses
    assert validate.cache_info().hits == validated.hits + 1
    assert validate.cache_info().misses == validated.misses


async def test_a_refused_document_is_refused_again_from_the_cache(api: Api) -> None:
    caller = await api.member()
    fields = " ".join(f"t{i}: taskTypes {{ name }}" for i in range(MAX_ALIASES + 1))
    for _ in range(3):
        result = await api.run("{ " + fields + " }", caller)
        assert result.codes == ["VALIDATION_FAILED"]
        assert f"Allowed: {MAX_ALIASES}" in result.errors[0]["message"]
