"""Trains the R-29 reader's learned second opinion; writes src/heed/domain/data/reading_model.txt.

    uv run python tests/corpus/train_reader.py [--ordinary PATH/SMSSpamCollection] [--write]

Reads only the English texts of the corpus's tune part (tests/corpus/revocations.csv)
and their seeded paraphrases (paraphrase.py); the held-out part is never opened. Each
text becomes the words the rules read (``heed.domain.revocation.reading_words``) and
its features (``heed.domain.learned_reader.features``); a logistic regression is fitted
by stochastic gradient descent with AdaGrad steps and L2, in a fixed order, so the
same rows give the same weights on every machine.

The thresholds are chosen by five-fold cross-validation grouped by base text
(``zlib.crc32(base) % 5``; a text's paraphrases stay in its fold): every tune text and
paraphrase is scored by a model that never saw any spelling of its base text, and the
model is asked only where the rules would let it be (``read_by_rules``). ``revoke_at``
is the lowest threshold on the grid at which the rules with the model's revocations read
the tune texts and their paraphrases at precision ``PRECISION`` or more, the model's own
additions at ``ADDED_PRECISION`` or more, and (with ``--ordinary``) revoke none of the
SMS Spam Collection's tune part (``zlib.crc32(text) % 3 == 0``); ``unsure_at`` the lowest
threshold whose band below ``revoke_at`` sends at most ``UNSURE_SHARE`` of the ordinary
texts it is asked about to the review list. ``--write`` writes the data file with the
sha256 of the tune rows it was trained on.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from corpus.paraphrase import SEED, VARIANTS_PER_TEXT, variants
from heed.domain.learned_reader import LearnedReader, features, fit, render, sigmoid
from heed.domain.revocation import Verdict, read_by_rules, reading_words

ROOT = Path(__file__).parents[2]
CORPUS = Path(__file__).parent / "revocations.csv"
DATA = ROOT / "src" / "heed" / "domain" / "data" / "reading_model.txt"

VERSION = 1
CHAR_SIZES = (4,)
EPOCHS = 8
STEP = 0.5
L2 = 1e-2
MIN_COUNT = 2
ASKED_WEIGHT = 3
ORDINARY_WEIGHT = 3
FOLDS = 5
PRECISION = 0.98
ADDED_PRECISION = 0.9
UNSURE_SHARE = 0.0025
GRID = (
    *(round(0.5 + 0.01 * i, 2) for i in range(50)),
    *(round(0.99 + 0.001 * i, 3) for i in range(10)),
)
NEVER = 1.01


@dataclass(frozen=True)
class Example:
    text: str
    base: str
    revoke: bool
    variant: bool
    features: frozenset[str]
    askable: bool
    rules_revoke: bool

    @property
    def fold(self) -> int:
        return zlib.crc32(self.base.encode()) % FOLDS


def tune_rows(path: Path = CORPUS) -> list[dict[str, str]]:
    """The English rows of the tune part, in the file's order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["split"] == "tune" and r["language"] == "en"]


def rows_digest(rows: list[dict[str, str]]) -> str:
    """The sha256 of the rows trained on: text, label and base, tab-separated, a line each."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row['text']}\t{row['label']}\t{row['base']}\n".encode())
    return digest.hexdigest()


def _example(
    text: str, base: str, revoke: bool, variant: bool, char_sizes: tuple[int, ...]
) -> Example:
    reading, asked = read_by_rules(text)
    return Example(
        text,
        base,
        revoke,
        variant,
        frozenset(features(reading_words(text), char_sizes)),
        asked is not None,
        reading.verdict is Verdict.REVOKE,
    )


def examples(char_sizes: tuple[int, ...] = CHAR_SIZES) -> list[Example]:
    """The tune texts and their paraphrases, each paraphrase with its source's base text."""
    rows = tune_rows()
    base_of = {row["text"]: row["base"] for row in rows}
    found = [
        _example(row["text"], row["base"], row["label"] == "revoke", False, char_sizes)
        for row in rows
    ]
    found += [
        _example(v.text, base_of[v.source], v.label == "revoke", True, char_sizes)
        for v in variants()
    ]
    return found


# The reader's unit tests before the learned reader: they passed with the rules alone, so
# every text in them that the rules read as having no wish must stay unrevoked.
TESTS = tuple(
    ROOT / "tests" / "unit" / name
    for name in (
        "test_keywords.py",
        "test_revocation_corpus.py",
        "test_revocation_paraphrase.py",
        "test_revocation_public_wording.py",
        "test_revocation_wording_families.py",
    )
)


def tests_ordinary() -> list[str]:
    """The strings of the reader's unit tests (``TESTS``) that the rules read as having no
    wish, each once, in order."""
    found: dict[str, None] = {}
    for path in TESTS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.strip()
                and read_by_rules(node.value)[1] is not None
            ):
                found.setdefault(node.value)
    return list(found)


def ordinary_texts(path: Path) -> list[tuple[str, str]]:
    """(kind, text) of the SMS Spam Collection's tune part."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, _, text = line.partition("\t")
        if kind in ("ham", "spam") and zlib.crc32(text.encode()) % 3 == 0:
            found.append((kind, text))
    return found


@dataclass(frozen=True)
class Weights:
    bias: float
    weights: dict[str, float]

    def probability(self, found: frozenset[str] | set[str]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in found)
        return sigmoid(score)


def train(
    training: list[Example],
    epochs: int = EPOCHS,
    l2: float = L2,
    min_count: int = MIN_COUNT,
    asked_weight: int = ASKED_WEIGHT,
    ordinary_weight: int = ORDINARY_WEIGHT,
) -> Weights:
    """Logistic regression over the distinct texts (spellings whose features agree count
    once), in an order fixed by each text's crc32; an ordinary text the model would be
    asked about counts ``asked_weight`` times."""
    distinct = list({(e.features, e.revoke): e for e in training}.values())
    distinct.sort(key=lambda e: (zlib.crc32(e.text.encode()), e.text))
    distinct = [
        e
        for e in distinct
        for _ in range(
            1 if e.revoke else asked_weight * ordinary_weight if e.askable else ordinary_weight
        )
    ]
    counts = Counter(f for e in distinct for f in e.features)
    vocabulary = sorted(f for f, count in counts.items() if count >= min_count)
    index = {f: i for i, f in enumerate(vocabulary)}
    rows = [
        ([index[f] for f in sorted(e.features) if f in index], 1.0 if e.revoke else 0.0)
        for e in distinct
    ]
    positions = list(range(len(rows)))
    shifts = ((epoch * 7919) % max(1, len(rows)) for epoch in range(epochs))
    bias, weights = fit(
        rows,
        len(vocabulary),
        (positions[shift:] + positions[:shift] for shift in shifts),
        step=STEP,
        l2=l2,
    )
    kept = {vocabulary[i]: round(w, 4) for i, w in enumerate(weights) if abs(w) >= 0.005}
    return Weights(round(bias, 4), kept)


def cross_validate(
    found: list[Example],
    epochs: int = EPOCHS,
    l2: float = L2,
    asked_weight: int = ASKED_WEIGHT,
    ordinary_weight: int = ORDINARY_WEIGHT,
) -> list[tuple[Example, float]]:
    """Every example with the probability its fold's model (never trained on its base
    text) gives it."""
    scored: list[tuple[Example, float]] = []
    for fold in range(FOLDS):
        model = train(
            [e for e in found if e.fold != fold],
            epochs=epochs,
            l2=l2,
            asked_weight=asked_weight,
            ordinary_weight=ordinary_weight,
        )
        scored += [(e, model.probability(e.features)) for e in found if e.fold == fold]
    return scored


@dataclass(frozen=True)
class Figures:
    """At one threshold, out of fold, over the tune texts or their paraphrases: the rules
    with the model's revocations, the revocations it adds, and the texts it sends to a
    person in the band ``[unsure_at, threshold)``."""

    threshold: float
    precision: float
    recall: float
    added_true: int
    added_false: int

    @property
    def added_precision(self) -> float:
        return self.added_true / max(1, self.added_true + self.added_false)


def figures(scored: list[tuple[Example, float]], threshold: float) -> Figures:
    tp = fp = fn = added_true = added_false = 0
    for example, probability in scored:
        added = example.askable and probability >= threshold
        predicted = example.rules_revoke or added
        tp += predicted and example.revoke
        fp += predicted and not example.revoke
        fn += example.revoke and not predicted
        added_true += added and example.revoke
        added_false += added and not example.revoke
    return Figures(
        threshold,
        round(tp / max(1, tp + fp), 4),
        round(tp / max(1, tp + fn), 4),
        added_true,
        added_false,
    )


def alone(scored: list[tuple[Example, float]], threshold: float) -> tuple[float, float]:
    """The model without the rules: precision and recall."""
    tp = fp = fn = 0
    for example, probability in scored:
        predicted = probability >= threshold
        tp += predicted and example.revoke
        fp += predicted and not example.revoke
        fn += example.revoke and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def revoke_threshold(scored: list[tuple[Example, float]], ordinary: list[float]) -> float:
    """The lowest threshold holding the precisions and revoking none of ``ordinary``."""
    for threshold in GRID:
        f = figures(scored, threshold)
        if (
            f.precision >= PRECISION
            and f.added_precision >= ADDED_PRECISION
            and not any(p >= threshold for p in ordinary)
        ):
            return threshold
    return NEVER


def unsure_threshold(ordinary: list[float], texts: int, revoke_at: float) -> float:
    """The lowest threshold whose band below ``revoke_at`` sends at most UNSURE_SHARE of the
    SMS collection's ``texts`` tune texts to a person (``ordinary``: the probabilities of
    those the model is asked about); ``revoke_at`` without them."""
    if not texts:
        return revoke_at
    for threshold in (t for t in GRID if t <= revoke_at):
        if sum(threshold <= p < revoke_at for p in ordinary) <= UNSURE_SHARE * texts:
            return threshold
    return revoke_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ordinary", type=Path, default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    found = examples()
    scored = cross_validate(found)
    model = train(found)
    sms = ordinary_texts(args.ordinary) if args.ordinary is not None else []
    ordinary = _probabilities(model, [text for _, text in sms])
    held = _probabilities(model, tests_ordinary())
    corpus = [(e, p) for e, p in scored if not e.variant]
    paraphrased = [(e, p) for e, p in scored if e.variant]
    print(
        f"{len(found)} texts ({len(corpus)} tune, {len(paraphrased)} paraphrases); "
        f"{len(model.weights)} weights; {len(ordinary)} SMS tune texts asked"
    )
    revoke_at = revoke_threshold(scored, ordinary + held)
    unsure_at = unsure_threshold(ordinary, len(sms), revoke_at)
    print(
        "threshold | tune: precision recall added true/false | paraphrases: same | "
        "all: precision | SMS flagged | model alone on tune: precision recall"
    )
    shown = sorted({*GRID[:50:5], 0.95, 0.97, 0.98, 0.99, 0.995, revoke_at, unsure_at, NEVER})
    for threshold in shown:
        t, v, a = (figures(s, threshold) for s in (corpus, paraphrased, scored))
        own = alone(corpus, threshold)
        print(
            f"{threshold:9.3f} | {t.precision:.4f} {t.recall:.4f} "
            f"{t.added_true:3}/{t.added_false:<3} | "
            f"{v.precision:.4f} {v.recall:.4f} {v.added_true:3}/{v.added_false:<3} | "
            f"{a.precision:.4f} | {sum(p >= threshold for p in ordinary):4} | "
            f"{own[0]:.3f} {own[1]:.3f}"
        )
    print(f"revoke_at {revoke_at}, unsure_at {unsure_at}")
    for name, part in (("tune", corpus), ("paraphrases", paraphrased)):
        band = [e.revoke for e, p in part if e.askable and unsure_at <= p < revoke_at]
        print(
            f"{name} sent to a person in the band: {sum(band)} revocations, "
            f"{len(band) - sum(band)} ordinary texts"
        )
    print(
        f"unit tests' texts the rules find no wish in: revoked "
        f"{sum(p >= revoke_at for p in held)}, sent to a person "
        f"{sum(unsure_at <= p < revoke_at for p in held)} of {len(held)}"
    )
    print(
        f"SMS tune texts revoked {sum(p >= revoke_at for p in ordinary)}, "
        f"sent to a person {sum(unsure_at <= p < revoke_at for p in ordinary)} of {len(sms)}"
    )
    if args.write:
        _write(model, revoke_at, unsure_at, args.ordinary)


def _probabilities(model: Weights, texts: list[str]) -> list[float]:
    """The model's probabilities for those of ``texts`` it would be asked about."""
    found = []
    for text in texts:
        _, asked = read_by_rules(text)
        if asked is not None:
            found.append(model.probability(features(asked, CHAR_SIZES)))
    return found


def _write(model: Weights, revoke_at: float, unsure_at: float, ordinary: Path | None) -> None:
    rows = tune_rows()
    sms = (
        f"the SMS Spam Collection's tune part (sha256 "
        f"{hashlib.sha256(ordinary.read_bytes()).hexdigest()})"
        if ordinary is not None
        else "no SMS collection"
    )
    header = [
        "The R-29 reader's learned second opinion (heed.domain.learned_reader).",
        "Written by tests/corpus/train_reader.py --write; do not edit by hand.",
        f"Trained on the {len(rows)} English texts of the tune part of",
        "tests/corpus/revocations.csv (their sha256 below, as rows_digest counts them) and",
        f"{VARIANTS_PER_TEXT} paraphrases of each (tests/corpus/paraphrase.py, seed {SEED});",
        "logistic regression over words, word pairs and character n-grams of the sizes",
        f"below; {EPOCHS} epochs of AdaGrad steps ({STEP}), L2 {L2}, features seen in at",
        f"least {MIN_COUNT} texts. Thresholds by five-fold cross-validation by base text and",
        f"{sms}.",
        "Lines: @setting<TAB>value, then feature<TAB>weight.",
    ]
    reader = LearnedReader(
        version=VERSION,
        char_sizes=CHAR_SIZES,
        bias=model.bias,
        weights=model.weights,
        revoke_at=revoke_at,
        unsure_at=unsure_at,
        corpus_sha256=rows_digest(rows),
    )
    DATA.write_text(render(reader, header), encoding="utf-8")
    print(f"wrote {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
