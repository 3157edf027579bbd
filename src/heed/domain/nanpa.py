"""heed's area-code table, made from NANPA's public NPA report (R-28).

This module owns reading NANPA's ``npa_report.csv`` and turning it into the
table heed answers from (``area_code_table.py``): for each geographic area code
of the US, its territories and Canada, whether it is in service, its state or
province, its overlay complex and every time zone a number in it may ring in.

How each field is derived:

- in service: the report's ``IN_SERVICE`` flag (``Y``).
- region: ``LOCATION`` (a two-letter code, or a province's name; a code that
  serves several provinces, 782/902 or 867, has all of them and no single one).
- zones: ``TIME_ZONE`` letters turned into IANA zones by
  ``data/area_code_zones.toml`` (country default, then the region's own clock),
  plus the places that file lists for a code; then the union over the overlay
  complex, because an overlay serves the same ground as the codes it overlays
  (NANPA letters 812 "EC" but its overlay 930 "E").
- overlay complex: ``OVERLAY_COMPLEX`` lists the codes sharing a region, but
  NANPA fills it unevenly (407 lists 321; 321 lists nothing; 917 is in two
  lists). A code's complex is itself, the codes its own entry lists, and the
  codes whose entries list it.

Codes of other NANP countries (Jamaica, the Dominican Republic...) are left
out: heed treats them as international (R-1). ``render`` writes the module;
``update`` is what ``heed areacodes update FILE`` and ``scripts/areacodes`` run.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

REPORT_NAME = "nanpa_npa_report.csv"
_FILE_DATE = re.compile(r"File Date,(\d{1,2}/\d{1,2}/\d{4})")
_LETTERS = re.compile(r"[ECMPAN]+")
_SPELLED = re.compile(r"\b([ECMP])T\b")  # "PT/MT only for W Wendover"


class ReportError(ValueError):
    """The file is not a NANPA NPA report heed can read; the message says where."""


@dataclass(frozen=True)
class NpaRow:
    """One line of the report, the fields heed reads."""

    code: str
    in_service: bool
    geographic: bool
    country: str
    location: str
    time_zone: str
    overlay_complex: str


@dataclass(frozen=True)
class Report:
    file_date: str  # ISO date of NANPA's "File Date"
    rows: tuple[NpaRow, ...]


@dataclass(frozen=True)
class Table:
    """What area_code_table.py holds, keyed by area code."""

    file_date: str
    regions: dict[str, tuple[str, ...]]
    zones: dict[str, tuple[str, ...]]
    in_service: frozenset[str]
    overlays: dict[str, tuple[str, ...]]


def parse_report(text: str) -> Report:
    """The rows of NANPA's report; lines starting with '#' are comments."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    date_line = next((line for line in lines if _FILE_DATE.match(line)), None)
    if date_line is None:
        raise ReportError("no 'File Date' line: is this NANPA's npa_report.csv?")
    match = _FILE_DATE.match(date_line)
    assert match is not None
    file_date = datetime.strptime(match.group(1), "%m/%d/%Y").date().isoformat()
    body = lines[lines.index(date_line) + 1 :]
    reader = csv.DictReader(body)
    needed = {"NPA_ID", "IN_SERVICE", "USE", "COUNTRY", "LOCATION", "TIME_ZONE", "OVERLAY_COMPLEX"}
    missing = needed - set(reader.fieldnames or ())
    if missing:
        raise ReportError(f"the report has no column {', '.join(sorted(missing))}")
    rows = tuple(_row(record) for record in reader)
    return Report(file_date=file_date, rows=rows)


def _row(record: dict[str, str]) -> NpaRow:
    return NpaRow(
        code=record["NPA_ID"].strip(),
        in_service=record["IN_SERVICE"].strip() == "Y",
        geographic=record["USE"].strip() == "G",
        country=record["COUNTRY"].strip(),
        location=record["LOCATION"].strip(),
        time_zone=record["TIME_ZONE"].strip(),
        overlay_complex=record["OVERLAY_COMPLEX"].strip(),
    )


def zone_rules() -> dict[str, Any]:
    """data/area_code_zones.toml: NANPA's letters → IANA zones, and the additions."""
    text = resources.files("heed.domain.data").joinpath("area_code_zones.toml").read_text("utf-8")
    return tomllib.loads(text)


def build(report: Report, rules: Mapping[str, Any] | None = None) -> Table:
    """heed's table from a parsed report (``rules`` default to area_code_zones.toml)."""
    rules = zone_rules() if rules is None else rules
    home = {row.code: row for row in report.rows if _is_home(row, rules)}
    regions = {code: _regions(row, rules) for code, row in home.items()}
    own_zones = {code: _own_zones(row, regions[code], rules) for code, row in home.items()}
    complexes = _complexes(home)
    zones: dict[str, tuple[str, ...]] = {}
    for code in home:
        union = {zone for member in complexes[code] for zone in own_zones[member]}
        if union:
            zones[code] = tuple(sorted(union))
    return Table(
        file_date=report.file_date,
        regions={code: found for code, found in regions.items() if found},
        zones=zones,
        in_service=frozenset(code for code, row in home.items() if row.in_service),
        overlays={code: members for code, members in complexes.items() if len(members) > 1},
    )


def _is_home(row: NpaRow, rules: Mapping[str, Any]) -> bool:
    """A geographic code of the US, a US territory or Canada."""
    return row.geographic and row.country in rules["countries"]


def _regions(row: NpaRow, rules: Mapping[str, Any]) -> tuple[str, ...]:
    if not row.location:  # reserved for Canada, not yet placed
        return ()
    if re.fullmatch(r"[A-Z]{2}", row.location):
        return (row.location,)
    names = (part.strip() for part in row.location.split("-"))
    found = []
    for name in names:
        if name not in rules["provinces"]:
            raise ReportError(f"area code {row.code}: unknown LOCATION {row.location!r}")
        found.append(rules["provinces"][name])
    return tuple(sorted(found))


def zone_letters(time_zone: str, code: str = "?") -> tuple[str, ...]:
    """NANPA's TIME_ZONE field as its letters: "EC" → ("E", "C"), "(UTC-10)" kept whole."""
    if not time_zone:
        return ()
    if time_zone in {"AK", "(UTC-10)", "(UTC+10)", "UTC-11"}:
        return (time_zone,)
    if _LETTERS.fullmatch(time_zone):
        return tuple(time_zone)
    spelled = _SPELLED.findall(time_zone)
    if spelled:
        return tuple(spelled)
    raise ReportError(f"area code {code}: unknown TIME_ZONE {time_zone!r}")


def _own_zones(row: NpaRow, regions: tuple[str, ...], rules: Mapping[str, Any]) -> frozenset[str]:
    extra = rules.get("codes", {}).get(row.code, {})
    if "zones" in extra:
        return frozenset(extra["zones"])
    country = rules["countries"][row.country]
    defaults = rules["letters"][country]
    zones: set[str] = set(extra.get("add", ()))
    for letter in zone_letters(row.time_zone, row.code):
        if letter not in defaults:
            raise ReportError(f"area code {row.code}: no {country} zone for {letter!r}")
        own = (rules.get("regions", {}).get(region, {}).get(letter) for region in regions)
        zones.update(zone for zone in own if zone)
        if not any(rules.get("regions", {}).get(region, {}).get(letter) for region in regions):
            zones.add(defaults[letter])
    return frozenset(zones)


def _complexes(home: Mapping[str, NpaRow]) -> dict[str, tuple[str, ...]]:
    listed = {code: listed_codes(row.overlay_complex) & home.keys() for code, row in home.items()}
    complexes: dict[str, tuple[str, ...]] = {}
    for code in home:
        members = {code} | listed[code]
        members |= {other for other, codes in listed.items() if code in codes}
        complexes[code] = tuple(sorted(members))
    return complexes


def listed_codes(field: str) -> set[str]:
    """The area codes an OVERLAY_COMPLEX field names ("212/332/646/917, 347/465")."""
    return set(re.findall(r"\d{3}", field))


def render(table: Table) -> str:
    """area_code_table.py's text for ``table``: sorted, one entry a line, ruff-formatted."""
    return "\n".join(
        [
            '"""heed\'s area-code table (R-28), generated from NANPA\'s NPA report by',
            "heed.domain.nanpa (`heed areacodes update FILE`, scripts/areacodes). Do not edit",
            'by hand: change data/area_code_zones.toml or the report and regenerate."""',
            "",
            f'NANPA_FILE_DATE = "{table.file_date}"',
            "",
            "# Area code → its one state, province or territory.",
            *_mapping("REGIONS", "str", _single(table.regions)),
            "",
            "# Area codes that serve several provinces or territories, with all of them.",
            *_mapping("SHARED_REGIONS", "tuple[str, ...]", _shared(table.regions)),
            "",
            "# Area code → every IANA zone a number in it may ring in (overlays included).",
            *_mapping("ZONES", "tuple[str, ...]", table.zones),
            "",
            "# Area code → the codes of its overlay complex, itself included.",
            *_mapping("OVERLAYS", "tuple[str, ...]", table.overlays),
            "",
            "# Codes NANPA lists as in service.",
            "IN_SERVICE: frozenset[str] = frozenset(",
            "    {",
            *(f'        "{code}",' for code in sorted(table.in_service)),
            "    }",
            ")",
            "",
        ]
    )


def _single(regions: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {code: found[0] for code, found in regions.items() if len(found) == 1}


def _shared(regions: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {code: found for code, found in regions.items() if len(found) > 1}


def _mapping(name: str, value_type: str, values: Mapping[str, object]) -> list[str]:
    lines = [f"{name}: dict[str, {value_type}] = {{"]
    for code in sorted(values):
        lines.extend(_entry(code, values[code]))
    return [*lines, "}"]


def _entry(code: str, value: object) -> list[str]:
    if isinstance(value, str):
        return [f'    "{code}": "{value}",']
    assert isinstance(value, tuple)
    items = [f'"{item}"' for item in value]
    one_line = f'    "{code}": ({", ".join(items)}{"," if len(items) == 1 else ""}),'
    if len(one_line) <= 100:
        return [one_line]
    return [f'    "{code}": (', *(f"        {item}," for item in items), "    ),"]


@dataclass(frozen=True)
class Update:
    file_date: str
    codes: int
    in_service: int
    module: Path
    report: Path


def update(report_file: Path, package_dir: Path | None = None) -> Update:
    """Regenerate area_code_table.py from ``report_file`` and keep the report beside it.

    The report is copied to data/nanpa_npa_report.csv so the table can always be
    checked against the file it came from. Raises ReportError for a file that is
    not a NANPA report, before anything is written.
    """
    text = report_file.read_text("utf-8-sig")
    table = build(parse_report(text))
    domain = package_dir or Path(__file__).resolve().parent
    module = domain / "area_code_table.py"
    report = domain / "data" / REPORT_NAME
    module.write_text(render(table), "utf-8")
    if report.resolve() != report_file.resolve():
        report.write_text(text, "utf-8")
    return Update(
        file_date=table.file_date,
        codes=len(table.regions.keys() | table.zones.keys() | table.in_service),
        in_service=len(table.in_service),
        module=module,
        report=report,
    )


def committed_report() -> Report:
    """The report the committed table was made from."""
    text = resources.files("heed.domain.data").joinpath(REPORT_NAME).read_text("utf-8")
    return parse_report(text)
