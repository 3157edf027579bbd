"""The one CSV writer: no cell runs as a spreadsheet formula, and the escaping undoes exactly."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.adapters.csvfile import csv_text, original, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'quoted", "''quoted"),
        ("Maria Alvarez", "Maria Alvarez"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (True, "True"),
        # A number with its sign calls nothing; a quote would corrupt it.
        ("-12.50", "-12.50"),
        ("+15125550148", "+15125550148"),
        ("-7", "-7"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_behind_a_quote(
    value: object, written: str
) -> None:
    assert safe_cell(value) == written


@given(st.text())
def test_the_original_value_comes_back_from_any_cell_written(text: str) -> None:
    assert original(safe_cell(text)) == text


def test_a_whole_document_reads_back_with_every_cell_made_safe() -> None:
    document = csv_text(["name", "note"], [["=1+1", "fine"], ["Bob", "@here"]])
    assert list(csv.reader(io.StringIO(document))) == [
        ["name", "note"],
        ["'=1+1", "fine"],
        ["Bob", "'@here"],
    ]
