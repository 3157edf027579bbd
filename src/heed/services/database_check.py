"""`heed db check`: what heed expects of its database, against what it finds there."""

from __future__ import annotations

from heed.adapters.db.database_facts import database_facts
from heed.adapters.db.uow import UnitOfWork
from heed.domain.database_advice import Finding, advise


def check_database(uow: UnitOfWork) -> list[Finding]:
    """One finding per setting heed relies on (docs/SCALING.md), worst first."""
    order = {"problem": 0, "advice": 1, "ok": 2}
    return sorted(advise(database_facts(uow.engine)), key=lambda f: order[f.level])
