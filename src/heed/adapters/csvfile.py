"""Every CSV file heed writes goes through here, so no cell runs as a spreadsheet formula.

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or
``@`` (and, in some, a tab or carriage return) as a formula: a customer named
``=HYPERLINK(...)`` or a text whose body is ``+cmd`` would act on the machine of
whoever opens the export. Such a cell is written with a single quote in front, as
OWASP advises. A cell that already starts with a quote gets one more, so the
escaping can be undone exactly (``original``): the consent ledger's export must
still verify against its hashes.

A cell that is only a number, with its sign (``-12.50``, ``+15125550148``), is
left alone: it cannot call anything, and a quote would corrupt the amount or the
E.164 number it holds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value: object) -> str:
    """The text a cell is written as; None is an empty cell."""
    text = "" if value is None else str(value)
    if text.startswith(_QUOTE):
        return _QUOTE + text
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return _QUOTE + text
    return text


def original(cell: str) -> str:
    """The value ``safe_cell`` was given, from the cell it wrote."""
    return cell[1:] if cell.startswith(_QUOTE) else cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document: the header, then one line per row, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
