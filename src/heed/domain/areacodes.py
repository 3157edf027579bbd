"""Where a North American number rings, judged by its area code (R-18, R-26, R-28).

This module answers from heed's own area-code table (area_code_table.py),
generated from NANPA's public NPA report by heed.domain.nanpa: which codes are
in service, each code's state or province, its overlay complex and every time
zone a number in it may ring in. phonenumbers' metadata lags NANPA by months,
so heed's table, not the library, says whether a code exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heed.domain.area_code_table import (
    IN_SERVICE,
    NANPA_FILE_DATE,
    OVERLAYS,
    REGIONS,
    SHARED_REGIONS,
    ZONES,
)

FLORIDA = "FL"
OKLAHOMA = "OK"

_CANADA = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"})
_NANP = re.compile(r"(?:\+1|1)?([2-9]\d{2})\d{7}")
_CODE = re.compile(r"[2-9]\d{2}")


@dataclass(frozen=True)
class AreaCode:
    """One area code as heed's table knows it."""

    code: str
    in_service: bool
    region: str | None  # the one state/province, None when the code serves several
    regions: tuple[str, ...]  # every state/province it serves
    zones: tuple[str, ...]  # sorted; a window must be open in all of them
    overlay_complex: tuple[str, ...]  # the codes serving the same ground, itself included

    @property
    def country(self) -> str | None:
        """ "US" (territories included) or "CA"; None for a code heed's table lacks."""
        if not self.regions:
            return None
        return "CA" if self.regions[0] in _CANADA else "US"

    @property
    def split_zone(self) -> bool:
        return len(self.zones) > 1


def area_code(e164: str) -> str | None:
    """The 3-digit area code of a +1 number (E.164 or bare 10/11 digits), else None."""
    match = _NANP.fullmatch(e164.strip())
    return match.group(1) if match else None


def lookup(code_or_number: str) -> AreaCode | None:
    """The table's entry for an area code ("270") or a number in it; None if unknown.

    Unknown means NANPA lists no geographic US or Canadian code by that number:
    toll-free and other non-geographic codes, other NANP countries, unassigned codes.
    """
    text = code_or_number.strip()
    code = text if _CODE.fullmatch(text) else area_code(text)
    if code is None:
        return None
    regions = SHARED_REGIONS.get(code) or ((REGIONS[code],) if code in REGIONS else ())
    if not regions and code not in ZONES and code not in IN_SERVICE:
        return None
    return AreaCode(
        code=code,
        in_service=code in IN_SERVICE,
        region=REGIONS.get(code),
        regions=regions,
        zones=ZONES.get(code, ()),
        overlay_complex=OVERLAYS.get(code, (code,)),
    )


def in_service(code_or_number: str) -> bool:
    """Whether NANPA lists this geographic US/Canadian area code as in service."""
    found = lookup(code_or_number)
    return found is not None and found.in_service


def zones_for(e164: str) -> tuple[str, ...]:
    """Every IANA zone a number in this area code may ring in, sorted; () if unknown.

    Several area codes straddle zones (270/364, 458/541, 915, 931...): a caller
    enforcing a window must hold it in all of them.
    """
    found = lookup(e164) if area_code(e164) else None
    return found.zones if found else ()


def region_for(e164: str) -> str | None:
    """Two-letter state, province or territory code of the area code, else None.

    None also for non-geographic codes (toll-free, 5XX) and codes that serve
    several provinces (782/902: NS and PE; 867: the three territories).
    """
    found = lookup(e164) if area_code(e164) else None
    return found.region if found else None


def jurisdiction_for(e164: str) -> str | None:
    """ "US-TX" or "CA-QC" for the area code's single state or province, else None."""
    found = lookup(e164) if area_code(e164) else None
    if found is None or found.region is None or found.country is None:
        return None
    return f"{found.country}-{found.region}"


def build_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(REGIONS, ZONES) rebuilt from the NANPA report the committed table came from."""
    from heed.domain import nanpa

    table = nanpa.build(nanpa.committed_report())
    regions = {code: found[0] for code, found in table.regions.items() if len(found) == 1}
    return regions, table.zones


def table_date() -> str:
    """The NANPA report's file date the table was generated from (ISO)."""
    return NANPA_FILE_DATE
