"""What every staff page shows of the account around its content: whether automated
notifications are on (R-7) and the time zone its times are shown in.

heed keeps no time zone per account: a business works where it answers its phone, so
its zone is its first business number's area code's (the first, by name, where a code
spans several), and UTC until it has a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from heed.adapters.db import accounts
from heed.adapters.db.uow import UnitOfWork
from heed.services.display import UTC_ZONE, account_zone

DEFAULT_ZONE = UTC_ZONE.key


@dataclass(frozen=True)
class PageFrame:
    notifications_enabled: bool
    time_zone: str


def page_frame(uow: UnitOfWork, account_id: str) -> PageFrame:
    """The account's switch and zone, read in one transaction for the page's layout."""
    with uow.read() as tx:
        account = accounts.get(tx, account_id)
        zone = account_zone(tx, account_id)
    return PageFrame(
        notifications_enabled=bool(account and account.customer_notifications_enabled),
        time_zone=zone.key,
    )
