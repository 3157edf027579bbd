"""The settings form's problems, every one at once: each setting given is checked on its
own by the same checks :func:`heed.services.accounts.update_account` runs, so the page
can mark each field that needs attention instead of the first alone."""

from __future__ import annotations

import dataclasses

from heed.domain.errors import HeedError
from heed.services.accounts import UNSET, AccountChanges, checked_settings


def settings_problems(changes: AccountChanges) -> dict[str, HeedError]:
    """Each given setting that its check refuses, by setting name."""
    problems: dict[str, HeedError] = {}
    for part in dataclasses.fields(AccountChanges):
        value = getattr(changes, part.name)
        if value is UNSET or part.name == "twilio_auth_token":
            continue
        try:
            checked_settings(AccountChanges(**{part.name: value}))
        except HeedError as error:
            problems[part.name] = error
    return problems
