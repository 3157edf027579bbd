"""A learned second opinion for the R-29 reader, measured on the tune part and not shipped.

    uv run python -m bench.reader_model --ordinary PATH/SMSSpamCollection

Trains a logistic regression over a text's words, word pairs and character 3-5-grams
(pure Python, deterministic) on the English texts of the tune part of
tests/corpus/revocations.csv, spellings that fold alike counted once, with the tune
part of the UCI SMS Spam Collection (``zlib.crc32(text) % 3 == 0``; see
tests/corpus/README.md) as ordinary texts, and cross-validates it in five folds by base
text (``zlib.crc32(base) % 5``): every text is scored by a model that never saw any
spelling of it. The model is asked only where the reader's rules would let it be:
English texts the rules read as *not* or *unsure* for want of a wish ("no wish about
messages", "says it is the wrong number", ...), never a broadcast, a quoted instruction
or a wish to keep the service. For each threshold it prints the English tune texts'
precision and recall with the model's answers counted as revocations, the true and
false revocations it adds and the SMS tune texts it flags; and the model's own
precision and recall, without the rules. Without ``--ordinary`` it trains on the
corpus alone. The held-out parts are never read.

tests/corpus/README.md ("third round") gives the figures and why the reader does not
use the model.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from heed.domain.learned_reader import fit, sigmoid
from heed.domain.revocation import Reading, Verdict, read_by_rules

ROOT = Path(__file__).parents[1]
CORPUS = ROOT / "tests" / "corpus" / "revocations.csv"
# The rules' answers the model may revisit.
OPEN_QUESTIONS = frozenset(
    {
        "no wish about messages",
        "says the messages were not asked for",
        "says it is the wrong number",
        "does not want something it does not name",
        "a lone 'quit' among other talk",
    }
)
CHAR_SIZES = (3, 4, 5)

FOLDS = 5
EPOCHS = 10
STEP = 0.5
L2 = 1e-2
MIN_COUNT = 2
PRECISION = 0.97
# Thresholds tried, lowest first.
GRID = tuple(round(0.50 + 0.025 * i, 3) for i in range(20))
# A threshold above every probability: the model never answers so.
NEVER = 1.01


def words_of(text: str) -> str:
    """A text folded to lower-case ASCII words (accents dropped)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def features(words: str) -> list[str]:
    """Each word, each pair of neighbouring words (with the text's start and end), and the
    character n-grams of the words run together with spaces."""
    tokens = words.split()
    found = [f"w {token}" for token in tokens]
    padded = ["^", *tokens, "$"]
    found.extend(f"b {a} {b}" for a, b in itertools.pairwise(padded))
    spaced = f" {' '.join(tokens)} "
    for size in CHAR_SIZES:
        found.extend(f"c {spaced[i : i + size]}" for i in range(len(spaced) - size + 1))
    return found


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]

    def probability(self, words: str) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in set(features(words)))
        return sigmoid(score)


@dataclass(frozen=True)
class Example:
    text: str
    base: str
    revoke: bool
    features: tuple[str, ...]
    ordinary: bool = False

    @property
    def fold(self) -> int:
        return zlib.crc32(self.base.encode()) % FOLDS


def _example(text: str, base: str, revoke: bool, ordinary: bool = False) -> Example:
    return Example(text, base, revoke, tuple(sorted(set(features(words_of(text))))), ordinary)


def tune_examples(path: Path = CORPUS) -> list[Example]:
    """The English texts of the tune part, with their features."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == "tune" and r["language"] == "en"]
    return [_example(row["text"], row["base"], row["label"] == "revoke") for row in rows]


def ordinary_examples(path: Path) -> list[Example]:
    """The SMS Spam Collection's tune part (``zlib.crc32(text) % 3 == 0``), none a revocation."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, _, text = line.partition("\t")
        if kind in ("ham", "spam") and zlib.crc32(text.encode()) % 3 == 0:
            found.append(_example(text, text, False, ordinary=True))
    return found


def train(examples: list[Example]) -> Model:
    """Logistic regression by stochastic gradient descent with AdaGrad steps and L2, over
    the distinct texts (spellings that fold alike count once)."""
    distinct = list({(e.features, e.revoke): e for e in examples}.values())
    counts = Counter(feature for example in distinct for feature in example.features)
    vocabulary = sorted(feature for feature, count in counts.items() if count >= MIN_COUNT)
    index = {feature: i for i, feature in enumerate(vocabulary)}
    rows = [
        ([index[f] for f in example.features if f in index], 1.0 if example.revoke else 0.0)
        for example in distinct
    ]
    order = sorted(range(len(rows)), key=lambda i: zlib.crc32(distinct[i].text.encode()))
    orders = (order[epoch % 7 :] + order[: epoch % 7] for epoch in range(EPOCHS))
    bias, weights = fit(rows, len(vocabulary), orders, step=STEP, l2=L2)
    kept = {vocabulary[i]: round(w, 4) for i, w in enumerate(weights) if abs(w) >= 0.001}
    return Model(round(bias, 4), kept)


@dataclass(frozen=True)
class Scored:
    revoke: bool
    ordinary: bool
    rules_revoke: bool
    asked: bool
    probability: float


def cross_validate(examples: list[Example]) -> list[Scored]:
    """Every text scored by the fold model that never saw its base text."""
    scored: list[Scored] = []
    for fold in range(FOLDS):
        model = train([e for e in examples if e.fold != fold])
        scored.extend(_score(model, e) for e in examples if e.fold == fold)
    return scored


def _score(model: Model, example: Example) -> Scored:
    """The rules' reading of a text and, where they would ask it, the model's probability."""
    rules: Reading = read_by_rules(example.text)[0]
    asked = rules.language == "en" and rules.why in OPEN_QUESTIONS
    probability = model.probability(words_of(example.text))
    return Scored(
        example.revoke, example.ordinary, rules.verdict is Verdict.REVOKE, asked, probability
    )


@dataclass(frozen=True)
class Figures:
    """At one threshold, out of fold: the English tune texts' precision and recall with
    the model's answers counted as revocations, what it adds, and the SMS tune texts it
    flags."""

    threshold: float
    precision: float
    recall: float
    added_true: int
    added_false: int
    ordinary_flagged: int

    @property
    def added_precision(self) -> float:
        return self.added_true / max(1, self.added_true + self.added_false)


def figures(scored: list[Scored], threshold: float) -> Figures:
    tp = fp = fn = added_true = added_false = flagged = 0
    for s in scored:
        added = s.asked and s.probability >= threshold
        if s.ordinary:
            flagged += added
            continue
        predicted = s.rules_revoke or added
        tp += predicted and s.revoke
        fp += predicted and not s.revoke
        fn += s.revoke and not predicted
        added_true += added and s.revoke
        added_false += added and not s.revoke
    return Figures(
        threshold,
        round(tp / max(1, tp + fp), 3),
        round(tp / max(1, tp + fn), 3),
        added_true,
        added_false,
        flagged,
    )


def revoke_threshold(scored: list[Scored]) -> float | None:
    """The lowest threshold whose added revocations hold the reader's precision and that
    revokes no SMS tune text; none when no threshold does."""
    for threshold in GRID:
        f = figures(scored, threshold)
        if f.ordinary_flagged == 0 and f.added_true and f.added_precision >= PRECISION:
            return threshold
    return None


def alone(scored: list[Scored], threshold: float) -> tuple[float, float, int]:
    """The model without the rules at ``threshold``: English tune precision and recall,
    and the SMS tune texts it would revoke."""
    tp = fp = fn = flagged = 0
    for s in scored:
        predicted = s.probability >= threshold
        if s.ordinary:
            flagged += predicted
            continue
        tp += predicted and s.revoke
        fp += predicted and not s.revoke
        fn += s.revoke and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn), flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ordinary", type=Path, default=None)
    args = parser.parse_args()
    examples = tune_examples()
    if args.ordinary is not None:
        examples += ordinary_examples(args.ordinary)
    scored = cross_validate(examples)
    print(
        "           rules, with the model where they allow it            | the model alone\n"
        "threshold  precision  recall  added true  added false  SMS flagged | "
        "precision  recall  SMS flagged"
    )
    for at in (*GRID, NEVER):
        f = figures(scored, at)
        precision, recall, flagged = alone(scored, at)
        print(
            f"{f.threshold:9.3f} {f.precision:10.3f} {f.recall:7.3f} {f.added_true:11} "
            f"{f.added_false:12} {f.ordinary_flagged:12} | {precision:9.3f} {recall:7.3f} "
            f"{flagged:12}"
        )
    print("(the last row is the rules alone)")
    threshold = revoke_threshold(scored)
    print(f"lowest threshold adding revocations at precision {PRECISION}: {threshold}")


if __name__ == "__main__":
    main()
