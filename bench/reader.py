"""The R-29 reader alone: precision and recall per language on the corpus, and µs per text.

    uv run python -m bench.reader [--rounds N] [--ordinary PATH]

Reads every text of tests/corpus/revocations.csv (both parts; the held-out figures
are the ones that count) the way the STOP webhook does, through
``heed.domain.revocation.interpret``, and times the whole corpus ``rounds`` times.
``--tune-only`` prints the tune parts alone (of the corpus and the SMS collection), for
reading while the reader changes; the held-out figures are printed only without it.

``--ordinary`` names a copy of the UCI SMS Spam Collection (tab-separated
``ham``/``spam`` and the text; see tests/corpus/README.md): every text in it is
ordinary (ham) or a broadcast (spam), so every revocation read there is false. Its
part is held out as the corpus's public texts are (``zlib.crc32(text) % 3 != 0``).
"""

from __future__ import annotations

import argparse
import csv
import time
import zlib
from collections import Counter
from pathlib import Path

from heed.domain.keywords import InboundAction
from heed.domain.revocation import Verdict, interpret, read

CORPUS = Path(__file__).parents[1] / "tests" / "corpus" / "revocations.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--ordinary", type=Path, default=None)
    parser.add_argument("--tune-only", action="store_true")
    args = parser.parse_args()
    splits = ("tune",) if args.tune_only else ("heldout", "tune")
    if args.ordinary is not None:
        _ordinary(args.ordinary, splits)
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts: Counter[tuple[str, str, str]] = Counter()
    unsure: Counter[str] = Counter()
    for row in rows:
        if row["split"] not in splits:
            continue
        predicted = interpret(row["text"], opted_out=False).action is InboundAction.OPT_OUT
        actual = row["label"] == "revoke"
        outcome = {(True, True): "tp", (True, False): "fp", (False, True): "fn"}.get(
            (predicted, actual), "tn"
        )
        for language in (row["language"], "all"):
            counts[(row["split"], language, outcome)] += 1
            if read(row["text"]).verdict is Verdict.UNSURE:
                unsure[f"{row['split']}/{language}"] += 1
    print("split    lang  texts  precision  recall  false revocations  unsure")
    for split in splits:
        for language in ("en", "es", "fr", "all"):
            tp, fp, fn, tn = (counts[(split, language, o)] for o in ("tp", "fp", "fn", "tn"))
            print(
                f"{split:8} {language:4} {tp + fp + fn + tn:6} {tp / max(1, tp + fp):10.3f} "
                f"{tp / max(1, tp + fn):7.3f} {fp:8}/{fp + tn:<8} {unsure[f'{split}/{language}']:6}"
            )
    texts = [row["text"] for row in rows]
    start = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            interpret(text, opted_out=False)
    elapsed = time.perf_counter() - start
    per_text = elapsed / (args.rounds * len(texts)) * 1e6
    print(f"\n{args.rounds * len(texts)} readings, {per_text:.1f} µs per text (mean, one core)")


def _ordinary(path: Path, splits: tuple[str, ...]) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            kind, _, text = line.rstrip("\n").partition("\t")
            if kind not in ("ham", "spam"):
                continue
            split = "heldout" if zlib.crc32(text.encode()) % 3 else "tune"
            if split not in splits:
                continue
            revoked = interpret(text, opted_out=False).action is InboundAction.OPT_OUT
            counts[(split, kind)] += 1
            counts[(split, kind + " revoked")] += revoked
            counts[(split, kind + " unsure")] += read(text).verdict is Verdict.UNSURE
    print("split    kind   texts  false revocations  unsure")
    for split in splits:
        for kind in ("ham", "spam"):
            texts, wrong = counts[(split, kind)], counts[(split, kind + " revoked")]
            print(f"{split:8} {kind:5} {texts:6} {wrong:8} {counts[(split, kind + ' unsure')]:18}")
    print()


if __name__ == "__main__":
    main()
