"""Search results say what matched: the part of a name, number or email the search text
found, wrapped in ``<mark>``."""

from __future__ import annotations

from markupsafe import Markup, escape


def _wrapped(text: str, start: int, end: int) -> Markup:
    return Markup("{}<mark>{}</mark>{}").format(text[:start], text[start:end], text[end:])


def mark_text(text: str, fragment: str | None) -> Markup:
    """``text`` with the first place ``fragment`` stands in it (any case) marked."""
    if not fragment:
        return escape(text)
    # Lowercasing keeps each character's place; a name whose lowercase changes its
    # length (rare) is shown unmarked rather than marked in the wrong place.
    lowered, wanted = text.lower(), fragment.lower()
    at = lowered.find(wanted) if len(lowered) == len(text) else -1
    if at < 0:
        return escape(text)
    return _wrapped(text, at, at + len(wanted))


def mark_digits(display: str, digits: str | None) -> Markup:
    """A number as shown, ``(512) 555-0142``, with the digits searched for marked, from
    the first to the last, separators between them included."""
    if not digits:
        return escape(display)
    places = [i for i, c in enumerate(display) if c.isdigit()]
    shown = "".join(display[i] for i in places)
    wanted = digits
    at = shown.find(wanted)
    if at < 0 and wanted.startswith("1") and len(wanted) > 10:
        # The country code is typed but not shown: mark the rest.
        wanted = wanted[1:]
        at = shown.find(wanted)
    if at < 0:
        return escape(display)
    return _wrapped(display, places[at], places[at + len(wanted) - 1] + 1)
