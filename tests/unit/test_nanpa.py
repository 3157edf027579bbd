"""heed's area-code table checked against the NANPA report it came from (R-28)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from heed.domain import area_code_table, nanpa
from heed.domain.areacodes import lookup
from heed.entrypoints.cli import app

REPORT = nanpa.committed_report()
RULES = nanpa.zone_rules()
HOME = [row for row in REPORT.rows if row.geographic and row.country in {"US", "CANADA"}]

# Standard (January) UTC offset, in hours, of each clock NANPA names.
_STANDARD_OFFSET = {
    "E": -5,
    "C": -6,
    "M": -7,
    "P": -8,
    "A": -4,
    "N": -3.5,
    "AK": -9,
    "(UTC-10)": -10,
    "(UTC+10)": 10,
    "UTC-11": -11,
}
_JANUARY = datetime(2026, 1, 15, 12)


def _standard_offset(zone: str) -> float:
    offset = _JANUARY.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return offset.total_seconds() / 3600


def test_the_committed_table_comes_from_the_committed_report() -> None:
    assert area_code_table.NANPA_FILE_DATE == REPORT.file_date == "2025-11-26"
    assert nanpa.render(nanpa.build(REPORT)) == Path(area_code_table.__file__).read_text()


def test_every_code_the_report_lists_in_service_is_in_service_and_no_other() -> None:
    listed = {row.code for row in HOME if row.in_service}
    assert listed == area_code_table.IN_SERVICE
    assert len(listed) > 420


@pytest.mark.parametrize("row", HOME, ids=lambda row: row.code)
def test_each_code_has_the_region_the_report_gives(row: nanpa.NpaRow) -> None:
    found = lookup(row.code)
    if not row.location:
        assert found is None or not found.regions
        return
    assert found is not None
    if len(row.location) == 2:
        assert found.region == row.location
    else:
        names = {part.strip() for part in row.location.split("-")}
        assert {RULES["provinces"][name] for name in names} == set(found.regions)


@pytest.mark.parametrize("row", [row for row in HOME if row.time_zone], ids=lambda row: row.code)
def test_each_code_rings_in_every_clock_the_report_names(row: nanpa.NpaRow) -> None:
    found = lookup(row.code)
    assert found is not None
    offsets = {_standard_offset(zone) for zone in found.zones}
    replaced = "zones" in RULES.get("codes", {}).get(row.code, {})
    for letter in nanpa.zone_letters(row.time_zone):
        if replaced and letter == "P":  # Yukon: UTC−7 all year since 2020 (see the zones file)
            continue
        assert _STANDARD_OFFSET[letter] in offsets, (row.code, letter, found.zones)


@pytest.mark.parametrize("row", HOME, ids=lambda row: row.code)
def test_each_code_is_in_the_complex_the_report_lists(row: nanpa.NpaRow) -> None:
    found = lookup(row.code)
    if found is None:
        return
    home = {other.code for other in HOME}
    listed = set(nanpa.listed_codes(row.overlay_complex)) & home
    assert listed <= set(found.overlay_complex)
    assert row.code in found.overlay_complex


def test_every_zone_named_is_a_real_iana_zone() -> None:
    for zones in area_code_table.ZONES.values():
        for zone in zones:
            ZoneInfo(zone)
        assert list(zones) == sorted(set(zones))


def test_a_newer_report_regenerates_the_table_and_replaces_the_kept_report(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    text = Path(area_code_table.__file__).with_name("data").joinpath(nanpa.REPORT_NAME).read_text()
    newer = text.replace("File Date,11/26/2025", "File Date,01/15/2026")
    source = tmp_path / "npa_report.csv"
    source.write_text(newer)
    done = nanpa.update(source, package_dir=tmp_path)
    assert done.file_date == "2026-01-15"
    assert 'NANPA_FILE_DATE = "2026-01-15"' in (tmp_path / "area_code_table.py").read_text()
    assert (tmp_path / "data" / nanpa.REPORT_NAME).read_text() == newer


def test_a_file_that_is_not_a_nanpa_report_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    bogus = tmp_path / "npa.csv"
    bogus.write_text("NPA,City\n512,Austin\n")
    with pytest.raises(nanpa.ReportError, match="File Date"):
        nanpa.update(bogus, package_dir=tmp_path)
    assert not (tmp_path / "area_code_table.py").exists()

    result = CliRunner().invoke(app, ["areacodes", "update", str(bogus)])
    assert result.exit_code == 2
    assert "File Date" in result.output


def test_an_unknown_time_zone_or_location_is_named_with_its_code() -> None:
    with pytest.raises(nanpa.ReportError, match="999"):
        nanpa.zone_letters("Mars", "999")
    row = nanpa.NpaRow("999", True, True, "CANADA", "ATLANTIS", "E", "")
    with pytest.raises(nanpa.ReportError, match="ATLANTIS"):
        nanpa.build(nanpa.Report("2026-01-01", (row,)), RULES)
