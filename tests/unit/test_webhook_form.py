"""The Twilio webhook reads a urlencoded form field for field as the standard library's
parse_qsl reads it (keeping blank values), and refuses the same forms as too large."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.entrypoints.api.routes.webhooks import urlencoded_fields

PIECES = st.sampled_from(
    ["&", "=", "+", "%", "%2B", "%20", "%zz", "%C3%A9", "%C3", "%FF", "%00", "a", "é", " ", "=="]
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_a_body_of_separators_and_escapes_reads_as_parse_qsl_reads_it(body: str) -> None:
    assert urlencoded_fields(body) == parse_qsl(body, keep_blank_values=True)


@given(st.text(max_size=60))
def test_any_text_reads_as_parse_qsl_reads_it(body: str) -> None:
    assert urlencoded_fields(body) == parse_qsl(body, keep_blank_values=True)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=12))
def test_an_encoded_form_reads_back_as_its_fields(fields: list[tuple[str, str]]) -> None:
    body = urlencode(fields)
    assert urlencoded_fields(body) == parse_qsl(body, keep_blank_values=True)


@pytest.mark.parametrize("body", ["", "&", "a", "a=", "=b", "a=b=c", "a=1&a=2", "+=%2B"])
def test_edge_forms_read_as_parse_qsl_reads_them(body: str) -> None:
    assert urlencoded_fields(body) == parse_qsl(body, keep_blank_values=True)
