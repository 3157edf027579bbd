"""CPU time per text of the R-29 reader, for paired before/after runs.

    git archive <before> src | tar -x -C /tmp/before
    for i in 1 2 3 4 5 6 7; do
        PYTHONPATH=/tmp/before/src uv run python -m bench.reader_cpu PATH/SMSSpamCollection
        uv run python -m bench.reader_cpu PATH/SMSSpamCollection
    done

Prints which heed was read (its path) and the best of five passes (time.process_time)
of ``interpret`` over every corpus text and every text of the SMS Spam Collection, in µs
per text.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import heed.domain.revocation as revocation
from heed.domain.revocation import interpret

CORPUS = Path(__file__).parents[1] / "tests" / "corpus" / "revocations.csv"


def best(texts: list[str], passes: int = 5) -> float:
    """The fastest of ``passes`` readings of ``texts``, in µs of CPU per text."""
    for text in texts:
        interpret(text, opted_out=False)
    found = []
    for _ in range(passes):
        start = time.process_time()
        for text in texts:
            interpret(text, opted_out=False)
        found.append((time.process_time() - start) / len(texts) * 1e6)
    return min(found)


def main() -> None:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        corpus = [row["text"] for row in csv.DictReader(handle)]
    sms = [
        text
        for kind, _, text in (
            line.partition("\t") for line in Path(sys.argv[1]).read_text("utf-8").splitlines()
        )
        if kind in ("ham", "spam")
    ]
    print(f"{revocation.__file__}: corpus {best(corpus):.1f} µs, SMS {best(sms):.1f} µs")


if __name__ == "__main__":
    main()
