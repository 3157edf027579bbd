"""Addresses shown to whoever holds a customer's preference link, masked (R-31).

Enough stays visible for the customer to tell their own numbers and addresses
apart; not enough for someone who finds the link to learn them.
"""

from __future__ import annotations

DOT = "•"


def mask_phone(e164: str) -> str:
    """``+15125550148`` → ``•••-•••-0148``: the last four digits only."""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    return f"{DOT * 3}-{DOT * 3}-{digits[-4:]}" if len(digits) >= 4 else DOT * 3


def mask_email(email: str) -> str:
    """``maria@gmail.com`` → ``m•••@gmail.com``: the first letter and the domain."""
    local, at, domain = email.partition("@")
    if not at:
        return DOT * 3
    return f"{local[:1]}{DOT * 3}@{domain}"


def mask(kind: str, value: str) -> str:
    return mask_email(value) if kind == "email" else mask_phone(value)
