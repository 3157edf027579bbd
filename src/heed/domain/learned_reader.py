"""The R-29 reader's learned second opinion: a logistic regression over a text's words.

The rules in :mod:`heed.domain.revocation` read what they were written from; wording
they were never shown ("We already hired a plumber, i dont want this") they read as
*not*. This reader scores such an English text by weights learned from the labelled corpus's tune
part and its paraphrases (tests/corpus/train_reader.py): each word, each pair of
neighbouring words (the text's start and end as words of their own) and, when the
settings ask for them, the character n-grams of the words run together with spaces.
Its weights, settings and thresholds are data: ``data/reading_model.txt``, loaded once.

It is asked only where the rules answer *not* for want of a wish in an English text:
never over a keyword, a broadcast, a quoted instruction, a wish to keep the service or
another errand the rules recognised. A probability at or above ``revoke_at`` revokes,
one at or above ``unsure_at`` puts the text on the review list; below, the rules' *not*
stands. Standard library only; it never raises on any string.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

MODEL_FILE = "reading_model.txt"


@dataclass(frozen=True)
class LearnedReader:
    """Weights by feature, the settings that name the features, and the thresholds."""

    version: int
    char_sizes: tuple[int, ...]
    bias: float
    weights: Mapping[str, float]
    revoke_at: float
    unsure_at: float
    corpus_sha256: str

    def probability(self, words: str) -> float:
        """How likely ``words`` (a text folded as the rules fold it) asks to stop messages."""
        get = self.weights.get
        score = self.bias + sum(get(feature, 0.0) for feature in features(words, self.char_sizes))
        return sigmoid(score)


def features(words: str, char_sizes: tuple[int, ...]) -> set[str]:
    """A text's features, each once: ``w word``, ``b word word`` (``^`` and ``$`` for its
    start and end) and ``c`` with each character n-gram of the sizes named."""
    tokens = words.split()
    found = {f"w {token}" for token in tokens}
    found.update(f"b {a} {b}" for a, b in itertools.pairwise(["^", *tokens, "$"]))
    spaced = f" {' '.join(tokens)} "
    for size in char_sizes:
        found.update(f"c {spaced[i : i + size]}" for i in range(len(spaced) - size + 1))
    return found


def sigmoid(score: float) -> float:
    """The logistic function, without overflow for large negative scores."""
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    odds = math.exp(score)
    return odds / (1.0 + odds)


Row = tuple[Sequence[int], float]
"""A training text: the indexes of its features, and 1.0 for a revocation, else 0.0."""


def fit(
    rows: Sequence[Row], size: int, orders: Iterable[Sequence[int]], *, step: float, l2: float
) -> tuple[float, list[float]]:
    """A logistic regression's bias and ``size`` weights, fitted by stochastic gradient
    steps with AdaGrad's step sizes and an L2 penalty: one pass over ``rows`` per order
    in ``orders`` (each a sequence of positions). Used by tests/corpus/train_reader.py,
    which writes the data file, and by bench/reader_model.py's experiment."""
    weights = [0.0] * size
    squares = [1e-8] * size
    bias, bias_square = 0.0, 1e-8
    for order in orders:
        for position in order:
            active, label = rows[position]
            gradient = sigmoid(bias + sum(weights[i] for i in active)) - label
            bias_square += gradient * gradient
            bias -= step * gradient / math.sqrt(bias_square)
            for i in active:
                g = gradient + l2 * weights[i]
                squares[i] += g * g
                weights[i] -= step * g / math.sqrt(squares[i])
    return bias, weights


_SETTINGS = frozenset({"version", "char_sizes", "bias", "revoke_at", "unsure_at", "corpus_sha256"})


def parse(text: str) -> LearnedReader:
    """A reader from its data file: ``#`` comments, ``@name<TAB>value`` settings, then
    ``feature<TAB>weight`` lines (a feature may begin or end with a space)."""
    settings: dict[str, str] = {}
    weights: dict[str, float] = {}
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition("\t")
        if key.startswith("@"):
            settings[key[1:]] = value
        else:
            weights[key] = float(value)
    missing = _SETTINGS - settings.keys()
    if missing:
        raise ValueError(f"{MODEL_FILE} lacks {', '.join(sorted(missing))}")
    return LearnedReader(
        version=int(settings["version"]),
        char_sizes=tuple(int(size) for size in settings["char_sizes"].split()),
        bias=float(settings["bias"]),
        weights=weights,
        revoke_at=float(settings["revoke_at"]),
        unsure_at=float(settings["unsure_at"]),
        corpus_sha256=settings["corpus_sha256"],
    )


def render(reader: LearnedReader, header: list[str]) -> str:
    """The data file of ``reader``, ``header`` as its opening comment lines."""
    lines = [f"# {line}".rstrip() for line in header]
    lines += [
        f"@version\t{reader.version}",
        f"@char_sizes\t{' '.join(str(size) for size in reader.char_sizes)}",
        f"@bias\t{reader.bias!r}",
        f"@revoke_at\t{reader.revoke_at!r}",
        f"@unsure_at\t{reader.unsure_at!r}",
        f"@corpus_sha256\t{reader.corpus_sha256}",
    ]
    lines += [f"{feature}\t{weight!r}" for feature, weight in sorted(reader.weights.items())]
    return "\n".join(lines) + "\n"


@cache
def learned_reader() -> LearnedReader:
    """The reader heed ships, read once from ``heed.domain.data``."""
    text = resources.files("heed.domain.data").joinpath(MODEL_FILE).read_text("utf-8")
    return parse(text)
