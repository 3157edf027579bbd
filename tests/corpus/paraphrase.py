"""Paraphrases of the corpus's English tune texts: how else a customer could write them.

Each tune-part English text (revocations and ordinary texts alike) is rewritten a
few times by chained, seeded rewrites a real customer could make: a reason before
the plea ("I moved out of state."), where or how often after it ("from you", "to this
number", "anymore"), another word for
the messages ("texts", "alerts", "reminders", "SMS", "these"), for the stopping verb
("quit", "cease", "halt", "don't text", "no more"), the wish around it ("I'd like you
to", "can you", "kindly", "I'm asking you to"), a favour asked ("would you mind taking
me off your list?", "I would appreciate it if you could remove me"), another verb of
the same family ("take me off your list" for "remove me from your list", "lose my
number" for "delete my number"), the person ("my number", "my cell"),
politeness and feeling ("thx", "ASAP", "seriously", "ugh", "!!!"), text-speak and
common slips ("plz", "u", "ur", "txt", "dont", "recieve"), casing and punctuation.
A variant keeps its source's label: the rewrites change how a wish is said, never
what it asks, and the ordinary texts' rewrites never add a wish ("stop by at 3" ->
"pls stop by at 3 thx"; talk that asks nothing before them, never a reason to stop).
Only the tune part is read, never the held-out part.

    uv run python tests/corpus/paraphrase.py      # counts, and a sample of variants
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "revocations.csv"
SEED = 2026_12_07
VARIANTS_PER_TEXT = 4

_MESSAGES = (
    "texts",
    "text messages",
    "messages",
    "msgs",
    "notifications",
    "alerts",
    "reminders",
    "updates",
    "SMS",
    "txts",
    "promos",
    "text alerts",
)
_MESSAGES_WORD = re.compile(
    r"\b(?:text messages|texts|messages|msgs|notifications|alerts|reminders|updates|sms|"
    r"emails|offers|promos|promotions|txts)\b",
    re.IGNORECASE,
)
_STOP_VERB = re.compile(r"\bstop\s(?=(?:sending|texting|messaging|contacting|receiving|getting)\b)")
_STOP_VERBS = ("quit ", "cease ", "halt ", "stop ", "discontinue ")
# "stop (sending me) (the|these) texts": said as "no more texts" or "end the texts".
_STOP_THE_MESSAGES = re.compile(
    r"\bstop\s(?:sending\s(?:me\s)?)?(?:(?:the|these|your|all|all the|all these)\s)?"
    rf"({_MESSAGES_WORD.pattern})",
    re.IGNORECASE,
)
_STOP_MESSAGING_ME = re.compile(r"\bstop\s(texting|messaging|contacting)\s(me|us)\b", re.IGNORECASE)
_BASE_FORM = {"texting": "text", "messaging": "message", "contacting": "contact"}
_IMPERATIVE = re.compile(
    r"^(?:please\s|pls\s|plz\s)?(stop|remove|delete|take|get|cancel|unsubscribe|leave|quit|end|"
    r"opt|keep|call|message|text|send|stop|turn|put|add|move|check|bring|tell|email|come|"
    r"cease|discontinue|erase|drop)\b(?!\sof\b)",
    re.IGNORECASE,
)
_DONT = re.compile(r"^(?:please\s)?(?:don'?t|do not)\s", re.IGNORECASE)
_WISHES = (
    "I want you to ",
    "I'd like you to ",
    "I need you to ",
    "please ",
    "can you ",
    "could you ",
    "kindly ",
    "I'm asking you to ",
    "can you please ",
    "would you please ",
)
_NOT_WISHES = (
    "please don't ",
    "kindly don't ",
    "I'm asking you not to ",
    "I need you to not ",
    "can you not ",
    "could you please not ",
    "I'd like you to not ",
)
# A plea asked as a favour (seventh round): "would you mind taking me off your list?", "I'd
# be grateful if you could remove me"; an ordinary text's errand the same way ("would
# you mind calling me back?").
_FAVOURS = (
    "would you mind {ing}?",
    "do you mind {ing}?",
    "I would appreciate it if you could {base}",
    "I'd be grateful if you would {base}",
    "it would be great if you could {base}",
    "is it possible to {base}?",
)
# A sender's instruction is left as it is: "text STOP to unsubscribe" asks no favour.
_INSTRUCTION = re.compile(
    r"\b(?:text|txt|reply|send)\s(?:\w+\s)?(?:stop|end|quit|unsubscribe|start|yes|help)\b",
    re.IGNORECASE,
)
_GERUNDS = {
    "stop": "stopping",
    "remove": "removing",
    "delete": "deleting",
    "take": "taking",
    "get": "getting",
    "cancel": "cancelling",
    "unsubscribe": "unsubscribing",
    "leave": "leaving",
    "quit": "quitting",
    "end": "ending",
    "opt": "opting",
    "keep": "keeping",
    "call": "calling",
    "message": "messaging",
    "text": "texting",
    "send": "sending",
    "turn": "turning",
    "put": "putting",
    "add": "adding",
    "move": "moving",
    "check": "checking",
    "bring": "bringing",
    "tell": "telling",
    "email": "emailing",
    "come": "coming",
    "cease": "ceasing",
    "discontinue": "discontinuing",
    "erase": "erasing",
    "drop": "dropping",
}
# The writer taken off the list, said with another verb of the same family (seventh
# round): "take me off your list" <-> "remove me from your list" <-> "unsubscribe me".
_OFF_THE_LIST = re.compile(
    r"\b(?:remove|delete|drop|erase|unsubscribe)\sme\sfrom\s(your|this|the|ur)\s"
    r"((?:texting\s|text\s|mailing\s|contact\s|sms\s)?list)\b"
    r"|\b(?:take|get)\sme\soff\s(?:of\s)?(your|this|the|ur)\s"
    r"((?:texting\s|text\s|mailing\s|contact\s|sms\s)?list)\b",
    re.IGNORECASE,
)
_OFF_THE_LIST_SAID = (
    "remove me from {d} {l}",
    "take me off {d} {l}",
    "get me off {d} {l}",
    "delete me from {d} {l}",
    "drop me from {d} {l}",
    "unsubscribe me from {d} {l}",
    "take me off of {d} {l}",
)
_MY_NUMBER = re.compile(
    r"\b(?:lose|delete|erase|remove|forget)\s(my|this)\s(number|phone number|cell number)\b",
    re.IGNORECASE,
)
_MY_NUMBER_SAID = (
    "lose {d} {n}",
    "delete {d} {n}",
    "erase {d} {n}",
    "remove {d} {n}",
    "forget {d} {n}",
    "take {d} {n} off your list",
    "remove {d} {n} from your list",
)
_PERSON_AFTER = re.compile(
    r"\b(text|texting|message|messaging|contact|contacting|remove|delete|txt)\s(me)\b",
    re.IGNORECASE,
)
_PERSONS = ("my number", "this number", "my phone", "my cell", "me")
_HEADS = ("hi ", "hey ", "hello ", "ok ", "omg ", "ugh ", "seriously ", "pls ", "please ", "")
_TAILS = (
    " thanks",
    " thx",
    " ty",
    " pls",
    " please",
    " ASAP",
    " asap",
    " seriously",
    "!!!",
    " now",
    " thank you!",
    " ugh",
    " 🙏",
    " ok?",
)
_TEXT_SPEAK = {
    "please": ("pls", "plz", "pleas"),
    "you": ("u", "ya"),
    "your": ("ur", "yr"),
    "you're": ("ur", "youre"),
    "text": ("txt",),
    "texts": ("txts", "textes"),
    "texting": ("txting", "textin"),
    "message": ("msg",),
    "messages": ("msgs", "messeges", "mesages"),
    "don't": ("dont", "dnt", "do not"),
    "do not": ("dont", "don't"),
    "are": ("r",),
    "to": ("2",),
    "for": ("4",),
    "thanks": ("thx", "thnx", "tks"),
    "thank you": ("ty", "thank u"),
    "anymore": ("any more", "anymor"),
    "receive": ("recieve", "recive"),
    "receiving": ("recieving", "reciving"),
    "number": ("#", "numbr", "no."),
    "i'm": ("im", "i am"),
    "i'd": ("id", "i would"),
    "want to": ("wanna",),
    "unsubscribe": ("unsubscibe", "unsubcribe", "unsuscribe"),
    "remove": ("remvoe", "rmv", "remov"),
    "stop": ("stahp", "stopp", "STOP"),
    "because": ("bc", "cuz"),
    "okay": ("ok", "k"),
    "contact": ("contat", "conact"),
    "sending": ("sendin", "sending"),
}
_SPEAK_WORD = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(re.escape(w) for w in sorted(_TEXT_SPEAK, key=len, reverse=True))
    + r")(?![\w'])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Variant:
    text: str
    label: str
    source: str
    rewrites: tuple[str, ...]


Rewrite = Callable[[str, random.Random], str]


def _sub_one(
    pattern: re.Pattern[str], text: str, rng: random.Random, make: Callable[[re.Match[str]], str]
) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    match = rng.choice(matches)
    return text[: match.start()] + make(match) + text[match.end() :]


def _object(text: str, rng: random.Random) -> str:
    return _sub_one(_MESSAGES_WORD, text, rng, lambda m: rng.choice(_MESSAGES))


def _verb(text: str, rng: random.Random) -> str:
    return _sub_one(_STOP_VERB, text, rng, lambda m: rng.choice(_STOP_VERBS))


def _verb_phrase(text: str, rng: random.Random) -> str:
    """ "stop texting me" -> "don't text me"; "stop sending the texts" -> "no more texts"."""
    choice = rng.random()
    if choice < 0.5 and _STOP_MESSAGING_ME.search(text):
        return _sub_one(
            _STOP_MESSAGING_ME,
            text,
            rng,
            lambda m: (
                rng.choice(("don't ", "dont ", "do not ", "never "))
                + _BASE_FORM[m.group(1).lower()]
                + " "
                + m.group(2)
                + rng.choice(("", " again", " anymore", " any more"))
            ),
        )
    return _sub_one(
        _STOP_THE_MESSAGES,
        text,
        rng,
        lambda m: rng.choice(
            (
                f"no more {m.group(1)}",
                f"end the {m.group(1)}",
                f"halt the {m.group(1)}",
                f"don't send me any more {m.group(1)}",
                f"cease all {m.group(1)}",
                f"quit sending {m.group(1)}",
            )
        ),
    )


def _wish(text: str, rng: random.Random) -> str:
    stripped = text.strip()
    dont = _DONT.match(stripped)
    if dont:
        rest = stripped[dont.end() :]
        head = rng.choice(_NOT_WISHES)
        wished = head + rest
        return wished.rstrip(".!") + ("?" if head.startswith(("can", "could")) else "")
    imperative = _IMPERATIVE.match(stripped)
    if not imperative:
        return text
    rest = stripped[imperative.start(1) :]
    head = rng.choice(_WISHES)
    rest = rest[0].lower() + rest[1:] if rest[1:2].islower() else rest
    wished = head + rest
    if head.startswith(("can", "could", "would")):
        wished = wished.rstrip(".!") + "?"
    return wished


def _favour(text: str, rng: random.Random) -> str:
    """ "stop texting me" -> "would you mind stopping texting me?"; "don't text me" -> "would
    you mind not texting me?"."""
    stripped = text.strip().rstrip(".!")
    negated = ""
    dont = _DONT.match(stripped)
    if dont:
        stripped = stripped[dont.end() :]
        negated = "not "
    imperative = _IMPERATIVE.match(stripped)
    if not imperative or _INSTRUCTION.search(stripped):
        return text
    verb = imperative.group(1)
    gerund = _GERUNDS.get(verb.lower())
    if gerund is None:
        return text
    rest = stripped[imperative.end(1) :]
    said = rng.choice(_FAVOURS)
    if negated and "{base}" in said:
        said = said.replace("{base}", "not {base}")
    return said.format(ing=negated + gerund + rest, base=verb.lower() + rest)


def _off_the_list(text: str, rng: random.Random) -> str:
    def said(match: re.Match[str]) -> str:
        determiner = match.group(1) or match.group(3)
        listed = match.group(2) or match.group(4)
        return rng.choice(_OFF_THE_LIST_SAID).format(d=determiner, l=listed)

    text = _sub_one(_OFF_THE_LIST, text, rng, said)
    return _sub_one(
        _MY_NUMBER,
        text,
        rng,
        lambda m: rng.choice(_MY_NUMBER_SAID).format(d=m.group(1), n=m.group(2)),
    )


def _person(text: str, rng: random.Random) -> str:
    return _sub_one(_PERSON_AFTER, text, rng, lambda m: f"{m.group(1)} {rng.choice(_PERSONS)}")


def _politeness(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(_HEADS) + text
    return text.rstrip() + rng.choice(_TAILS)


def _text_speak(text: str, rng: random.Random) -> str:
    def spoken(match: re.Match[str]) -> str:
        found = match.group(0)
        said = rng.choice(_TEXT_SPEAK[found.lower()])
        return said.upper() if found.isupper() and len(found) > 1 else said

    return _sub_one(_SPEAK_WORD, text, rng, spoken)


# Why the writer asks, said before the plea; an ordinary text gets talk that asks nothing.
_REASONS = (
    "I moved out of state. ",
    "We sold the house, ",
    "Not interested. ",
    "I never signed up for this. ",
    "This is a business line. ",
    "I already have a plumber, ",
    "We went with another company. ",
    "I'm not the homeowner anymore, ",
    "This is getting ridiculous. ",
    "Too many texts. ",
    "I'm no longer a customer. ",
    "I don't live there anymore. ",
    "Wrong person. ",
    "We already hired someone, ",
)
_ASIDES = (
    "I'm at work. ",
    "Quick question, ",
    "Just checking, ",
    "Sorry for the late reply. ",
    "Good morning! ",
    "Thanks for coming out yesterday. ",
)
# After a plea that ends on the writer or the messages: where, how often, or what next.
_PLEA_END = re.compile(
    r"\b(?:me|us|texts|messages|msgs|notifications|alerts|reminders|updates)[.!]*$", re.IGNORECASE
)
_AFTERS = (
    " from you",
    " to this number",
    " anymore",
    " again",
    ", it's annoying",
    " or I'll report you",
    " ever again",
    ", they cost me money",
    ", can we make this happen?",
    ". I would appreciate that",
    " from now on",
    " permanently",
    " going forward",
)


def _reason(text: str, rng: random.Random) -> str:
    return rng.choice(_REASONS) + text


def _aside(text: str, rng: random.Random) -> str:
    return rng.choice(_ASIDES) + text


def _after(text: str, rng: random.Random) -> str:
    if not _PLEA_END.search(text.strip()):
        return text
    return text.strip().rstrip(".!") + rng.choice(_AFTERS)


def _casing(text: str, rng: random.Random) -> str:
    return rng.choice((text.lower(), text.upper(), text[:1].upper() + text[1:].lower()))


def _punctuation(text: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return re.sub(r"[.,!?;:]+", "", text)
    if choice == 1:
        return text.replace("'", "").replace("’", "")
    if choice == 2:
        return text.rstrip(".!?") + rng.choice(("!!", "...", "?!", ".", "!!!"))
    return re.sub(r"\s*([.,!?])\s*", r" \1 ", text).strip()


REVOKE_REWRITES: dict[str, Rewrite] = {
    "reason": _reason,
    "after": _after,
    "object": _object,
    "verb": _verb,
    "verb phrase": _verb_phrase,
    "wish": _wish,
    "favour": _favour,
    "off the list": _off_the_list,
    "person": _person,
    "politeness": _politeness,
    "text-speak": _text_speak,
    "casing": _casing,
    "punctuation": _punctuation,
}
# An ordinary text's rewrites: the same, but never a new verb phrase ("stop by" must not
# become "no more by").
NOT_REWRITES: dict[str, Rewrite] = {
    name: rewrite
    for name, rewrite in REVOKE_REWRITES.items()
    if name not in ("verb phrase", "reason", "after", "off the list")
} | {"aside": _aside}


def tune_texts() -> list[tuple[str, str]]:
    """(text, label) of the corpus's English tune part, each text once."""
    seen: dict[str, str] = {}
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["split"] == "tune" and row["language"] == "en":
                seen.setdefault(row["text"], row["label"])
    return list(seen.items())


def variants(per_text: int = VARIANTS_PER_TEXT, seed: int = SEED) -> list[Variant]:
    """Up to ``per_text`` paraphrases of each English tune text, new to the corpus, each once."""
    sources = tune_texts()
    taken = {text for text, _ in sources}
    found: list[Variant] = []
    for text, label in sources:
        rewrites = REVOKE_REWRITES if label == "revoke" else NOT_REWRITES
        rng = random.Random(seed ^ zlib.crc32(text.encode()))
        for _ in range(per_text * 3):
            if sum(v.source == text for v in found[-per_text * 3 :]) >= per_text:
                break
            names = rng.sample(sorted(rewrites), rng.randint(1, 3))
            applied: list[str] = []
            variant = text
            for name in names:
                rewritten = rewrites[name](variant, rng)
                if rewritten != variant:
                    applied.append(name)
                    variant = rewritten
            variant = " ".join(variant.split())
            if applied and variant not in taken:
                taken.add(variant)
                found.append(Variant(variant, label, text, tuple(applied)))
    return found


def main() -> None:
    found = variants()
    revocations = [v for v in found if v.label == "revoke"]
    print(
        f"{len(found)} variants: {len(revocations)} of revocations, "
        f"{len(found) - len(revocations)} of ordinary texts"
    )
    for variant in random.Random(SEED).sample(found, 40):
        print(f"{variant.label:6} {variant.text!r}  <- {variant.source!r} {variant.rewrites}")


if __name__ == "__main__":
    main()
