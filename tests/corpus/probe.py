"""How the R-29 reader reads the texts of families.py: the dev half, and the probe half it
was not written from (eighth round).

    uv run python tests/corpus/probe.py [--show-dev] [--batch 1..7]

Prints recall, revocations read as unsure and ordinary texts revoked or unsure, by
language, for each half. ``--show-dev`` also prints the dev half's misses, to write
rules from; the probe half's texts are never printed. Texts whose words are those of a
held-out corpus text are dropped unseen (the held-out rows are compared, never printed).
"""

from __future__ import annotations

import argparse
import csv
import sys
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from corpus.families import (
    FAMILIES,
    FIFTH,
    FOURTH,
    SECOND,
    SEEN_PROBE,
    SEVENTH,
    SIXTH,
    THIRD,
)
from heed.domain.keywords import InboundAction
from heed.domain.revocation import Verdict, interpret, read

CORPUS = Path(__file__).with_name("revocations.csv")


def _folded(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def _held_out() -> frozenset[str]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return frozenset(
            _folded(row["text"]) for row in csv.DictReader(handle) if row["split"] == "heldout"
        )


def half(text: str) -> str:
    """dev or probe by the crc32 rule; "seen" for a probe text a rule named (SEEN_PROBE)."""
    if text in SEEN_PROBE:
        return "seen"
    return "probe" if zlib.crc32(text.encode()) % 2 else "dev"


BATCHES = (FAMILIES, SECOND, THIRD, FOURTH, FIFTH, SIXTH, SEVENTH)


def texts(
    *, batches: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
) -> list[tuple[str, str, str, str, str]]:
    """(text, language, label, family, half) for every text kept of the batches named."""
    held_out = _held_out()
    return [
        (text, language, label, family, half(text))
        for batch in batches
        for language, entries in BATCHES[batch - 1].items()
        for text, label, family in entries
        if _folded(text) not in held_out
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-dev", action="store_true")
    parser.add_argument("--batch", type=int, choices=(1, 2, 3, 4, 5, 6, 7), default=None)
    args = parser.parse_args()
    counts: Counter[tuple[str, str, str]] = Counter()
    misses: list[str] = []
    batches = (1, 2, 3, 4, 5, 6, 7) if args.batch is None else (args.batch,)
    kept = texts(batches=batches)
    dropped = sum(len(entries) for b in batches for entries in BATCHES[b - 1].values()) - len(kept)
    for text, language, label, family, part in kept:
        revoked = interpret(text, opted_out=False).action is InboundAction.OPT_OUT
        unsure = not revoked and read(text).verdict is Verdict.UNSURE
        for lang in (language, "all"):
            counts[(part, lang, label)] += 1
            if revoked or unsure:
                counts[(part, lang, label + (" revoked" if revoked else " unsure"))] += 1
        wrong = revoked != (label == "revoke")
        if part == "dev" and args.show_dev and wrong:
            misses.append(f"{language} {label:6} {'unsure ' if unsure else ''}[{family}] {text}")
    seen = sum(part == "seen" for *_, part in kept)
    print(f"{len(kept)} texts ({dropped} dropped unseen; {seen} probe texts a rule named, apart)")
    print("half   lang  revocations  recall  unsure | ordinary  revoked  unsure")
    for part in ("dev", "probe"):
        for lang in ("en", "es", "fr", "all"):
            revocations = counts[(part, lang, "revoke")]
            ordinary = counts[(part, lang, "not")]
            print(
                f"{part:6} {lang:4} {revocations:11} "
                f"{counts[(part, lang, 'revoke revoked')] / max(1, revocations):7.3f} "
                f"{counts[(part, lang, 'revoke unsure')]:7} | {ordinary:8} "
                f"{counts[(part, lang, 'not revoked')]:8} {counts[(part, lang, 'not unsure')]:7}"
            )
    for miss in sorted(misses):
        print(miss)


if __name__ == "__main__":
    main()
