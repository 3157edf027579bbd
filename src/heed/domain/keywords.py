"""Reading an inbound SMS: carrier keywords (R-11) and plain-language revocations (R-15),
and the confirmations heed answers them with (R-16).

This module owns one question: *what does this inbound text ask us to do about
consent?* It never touches storage and never raises on any string.

Keywords (R-11) are matched on the whole message. Before comparing we fold the
text: compatibility-decompose it (so full-width ``ＳＴＯＰ`` is ``STOP``), drop
combining marks (so ``ARRÊT`` is ``ARRET``) and invisible format characters
(zero-width spaces that phones paste in), casefold, trim Unicode whitespace,
drop any run of trailing punctuation or symbols (``STOP!!!``, ``stop 🛑``) and
collapse inner whitespace. Leading punctuation is *not* dropped: the rule says
"trailing", and such messages still reach the natural-language detector below,
which recognises a lone "stop" however it is punctuated.

Revocations by other reasonable means (R-15) are detected conservatively:
we would rather miss an unusual phrasing (staff can still record an opt-out by
hand) than opt out a customer who wrote "stop by at 3pm" and lose the channel
that tells them the technician is on the way. The text is folded as above,
apostrophes are removed ("don't" -> "dont"), and it is split into clauses at
sentence punctuation and line breaks, every other symbol becoming a space. A
clause revokes consent when it matches one of:

* a stop verb aimed at messaging: "stop texting me", "stop sending me
  messages", "quit calling me", "stop the texts", "cancel the text messages";
* a negated messaging verb aimed at the sender: "don't text me anymore",
  "do not contact me" (but not "don't text me before 8am", a timing wish);
* wanting no more messages: "no more texts", "I don't want these texts";
* list removal: "remove me from your list", "take me off the text list",
  "unsubscribe me", "opt me out", "I opted out";
* a short standalone plea making up the whole clause: "stop", "please stop",
  "stop it", "stop now", "leave me alone".

Patterns that may occur mid-clause are ignored when a negation or a question
about the past directly precedes them ("don't stop sending reminders", "why
did you stop texting me") — except "if you don't stop texting me", which is a
plea. "stop" without a messaging object ("stop by", "won't stop leaking",
"stop at the supply house") never matches, and neither does "cancel my
appointment": that is a job request, not a word about messaging consent.
Reminders and notifications count as messages: "stop the reminders" is taken as
a revocation, because the customer cannot be expected to know our categories.
"Wrong number" alone is not a revocation; "wrong number, stop texting" is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class InboundAction(StrEnum):
    OPT_OUT = "opted_out"
    OPT_IN = "opted_in"
    HELP = "help"
    NONE = "none"


class ConsentSource(StrEnum):
    KEYWORD = "keyword"
    NATURAL_LANGUAGE = "natural_language"
    EMAIL_LINK = "email_link"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    STAFF = "staff"
    IMPORT = "import"
    PROVIDER = "provider"


@dataclass(frozen=True)
class Interpretation:
    action: InboundAction
    source: ConsentSource | None
    keyword: str | None


_KEYWORDS: dict[str, tuple[InboundAction, str]] = {
    "stop": (InboundAction.OPT_OUT, "STOP"),
    "stopall": (InboundAction.OPT_OUT, "STOPALL"),
    "stop all": (InboundAction.OPT_OUT, "STOP ALL"),
    "end": (InboundAction.OPT_OUT, "END"),
    "cancel": (InboundAction.OPT_OUT, "CANCEL"),
    "unsubscribe": (InboundAction.OPT_OUT, "UNSUBSCRIBE"),
    "quit": (InboundAction.OPT_OUT, "QUIT"),
    "revoke": (InboundAction.OPT_OUT, "REVOKE"),
    "optout": (InboundAction.OPT_OUT, "OPTOUT"),
    "opt out": (InboundAction.OPT_OUT, "OPT OUT"),
    # ARRÊT folds to this too, once its accent is dropped.
    "arret": (InboundAction.OPT_OUT, "ARRET"),
    "start": (InboundAction.OPT_IN, "START"),
    "unstop": (InboundAction.OPT_IN, "UNSTOP"),
    "yes": (InboundAction.OPT_IN, "YES"),
    "help": (InboundAction.HELP, "HELP"),
    "info": (InboundAction.HELP, "INFO"),
    # HELP in Spanish and French: answered in that language.
    "ayuda": (InboundAction.HELP, "AYUDA"),
    "aide": (InboundAction.HELP, "AIDE"),
}

# Combining marks carry accents; format characters are invisible (zero-width
# space, joiners, bidi marks, BOM) and phones and web forms paste them in.
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Mc", "Cf"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    return kept.casefold()


def _is_trailing_noise(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PSC"


# A text is read several times (keyword, YES, reply language) and most are a few
# words ("STOP"): each is folded once.
@lru_cache(maxsize=4096)
def folded_words(body: str) -> str:
    """The message case- and accent-folded, trailing punctuation dropped, words joined
    by one space: the form keywords are matched in."""
    folded = _fold(body)
    end = len(folded)
    while end and _is_trailing_noise(folded[end - 1]):
        end -= 1
    return " ".join(folded[:end].split())


def match_keyword(body: str) -> tuple[InboundAction, str] | None:
    """The keyword the whole message is, with its action, or ``None`` (R-11).

    YES is returned as an opt-in here; whether it counts depends on the
    number's state, which :func:`interpret` decides.
    """
    return _KEYWORDS.get(folded_words(body))


# Keywords run together or typed with one slip, as platforms see them sent alone:
# "quitremove", "optstop", "optput", "unsubscibe".
_KEYWORD_RUN = re.compile(r"(?:stop|quit|end|remove|opt|out|unsub|unsubscribe|cancel){2,}")
_LONG_KEYWORDS = ("optout", "unsubscribe")


def _one_slip(word: str, keyword: str) -> bool:
    """Whether ``word`` is ``keyword`` with one letter changed, added or dropped."""
    if abs(len(word) - len(keyword)) > 1:
        return False
    start = 0
    while start < min(len(word), len(keyword)) and word[start] == keyword[start]:
        start += 1
    return (
        word[start + (len(word) >= len(keyword)) :]
        == keyword[start + (len(keyword) >= len(word)) :]
    )


def is_keyword_like(bare: str) -> bool:
    """Whether a folded text is opt-out keywords run together or one misspelt (R-29)."""
    joined = bare.replace(" ", "")
    if len(joined) > 24:
        return False
    if _KEYWORD_RUN.fullmatch(joined):
        return True
    return any(_one_slip(joined, keyword) for keyword in _LONG_KEYWORDS)


# --- natural language (R-15) -------------------------------------------------

_APOSTROPHES = "'’‘ʼ`´′"
_CLAUSE_BREAKS = frozenset(".!?;:,\n\r\u2028\u2029。！？；，")

_STOP_VERB = r"(?:stop|quit|cease)"
_NOUN = (
    r"(?:text messages?|texts|text|txts?|messages?|msgs?|sms(?:es)?|e ?mails?|calls|"
    r"robocalls|robotexts|notifications|reminders|spam|marketing|promos|promotions|ads)"
)
_TEXT_NOUN = r"(?:text messages?|texts|txts|messages|msgs|sms)"
# Words that may stand between a stop verb and what it stops: "stop sending me
# all these annoying texts". Deliberately no nouns of their own ("appointment",
# "service"), so "cancel the service calls" stays a job request.
_FILLER = (
    r"(?:(?:all|the|these|those|this|that|your|ur|any|of|with|sending|receiving|getting|"
    r"me|us|more|such|automated|automatic|promotional|annoying|stupid|damn|dang|freaking|"
    r"fricking|fucking|text|sms|spammy|daily|constant|repeated)\s)*"
)
_MESSAGING_GERUND = (
    r"(?:texting|txting|messaging|msging|e ?mailing|spamming|contacting|calling|bugging|"
    r"bothering|harassing|pestering|hounding)"
)
_OBJECT = r"(?:me|us|this number|this phone|my (?:phone|number|cell|mobile))"
# Harmless words that may end a plea. No entry is a sequence of others (no
# "ever again" next to "ever" and "again"), so the repetition cannot backtrack
# exponentially on hostile input.
_TAIL = (
    r"(?:again|anymore|any more|ever|please|pls|plz|thanks|thank you|thx|ty|at all|here|"
    r"at this number|on this number|now|already|period|ok|okay|lol|asap|immediately|"
    r"right now|seriously|for real|thats all)"
)
_TAILS = rf"(?:\s{_TAIL})*"
_LIST_NOUN = (
    r"(?:list|lists|texts|texting|messages|messaging|sms|contacts|system|database|"
    r"notifications|reminders|marketing|calls)"
)
_LIST_MODIFIER = (
    r"(?:text|texting|sms|mailing|email|e mail|contact|call|calling|messaging|marketing|"
    r"notification|reminder|distribution|sending|auto|automated)"
)
_LIST_TARGET = (
    rf"(?:of\s)?(?:(?:your|ur|the|this|these|all|their|any|yalls)\s)*"
    rf"(?:{_LIST_MODIFIER}\s)?{_LIST_NOUN}\b"
)
# A timing or topic wish ("don't text me before 8am", "... about sales") is a
# preference, not a revocation of consent.
_NOT_A_WISH = (
    r"(?!\s(?:until|till|til|before|after|at|between|during|unless|except|when|while|if|on|"
    r"early|late|so|too|in|about|with|for|regarding|instead of)\b)"
)

_ANYWHERE = [
    re.compile(rf"\b{_STOP_VERB}\s{_FILLER}{_NOUN}\b"),
    re.compile(rf"\bcancel\s{_FILLER}{_TEXT_NOUN}\b"),
    re.compile(rf"\b{_STOP_VERB}\s{_MESSAGING_GERUND}\s{_OBJECT}\b"),
    re.compile(rf"\b{_STOP_VERB}\s{_MESSAGING_GERUND}{_TAILS}$"),
    re.compile(
        rf"\b{_STOP_VERB}\s(?:sending|spamming)\s(?:me|us)"
        rf"(?:\s(?:this|these|that|those|them|all|your|ur|stuff|things|crap|junk|garbage))*"
        rf"{_TAILS}$"
    ),
    re.compile(r"\b(?:unsub(?:scribe|scribed|cribe)?|unsuscribe)\b"),
    re.compile(r"\bopt(?:ed)?\s?(?:me\s)?out\b"),
    re.compile(rf"\bremove\s(?:me|us|{_OBJECT})(?:{_TAILS}$|\s(?:from|off)\s{_LIST_TARGET})"),
    re.compile(rf"\btake\s(?:me|us|{_OBJECT})\soff(?:{_TAILS}$|\s{_LIST_TARGET})"),
]

_NEGATED_VERB = (
    r"(?:text|txt|message|msg|sms|e ?mail|contact|spam|"
    r"(?:call|text|message)\s(?:or|and)\s(?:call|text|message|email))"
)
# Whoever says "don't" must be the writer, not a third party: "you never text
# me back" and "he doesn't text me" complain about too few messages.
_OTHER_SUBJECTS = frozenset(
    {"you", "u", "he", "she", "they", "it", "tech", "technician", "who", "that", "guy"}
)
_WRITER_ONLY = _OTHER_SUBJECTS | {"i", "we"}
_SELF_DIRECTED: list[tuple[re.Pattern[str], frozenset[str]]] = [
    # "don't text me anymore"; the object may be followed by anything but a timing wish.
    (
        re.compile(
            rf"(?:^|\s)(?:dont|do not|never)\s(?:ever\s)?{_NEGATED_VERB}\s{_OBJECT}\b"
            rf"{_NOT_A_WISH}"
        ),
        _WRITER_ONLY,
    ),
    (
        re.compile(rf"(?:^|\s)(?:dont|do not|never)\s(?:ever\s)?{_NEGATED_VERB}{_TAILS}$"),
        _WRITER_ONLY,
    ),
    (
        re.compile(
            rf"(?:^|\s)(?:dont|do not|never)\s(?:ever\s)?send\s(?:me|us)\s{_FILLER}{_NOUN}\b"
            rf"{_NOT_A_WISH}"
        ),
        _WRITER_ONLY,
    ),
    (
        re.compile(
            rf"^(?:(?:please|pls|plz|ok|okay)\s)?no more\s{_FILLER}(?:{_NOUN}|texting|messaging)"
            rf"(?:\s(?:from you|from u|from this number|to me|to this number|for me|{_TAIL}))*$"
        ),
        frozenset(),
    ),
    (
        re.compile(
            rf"(?:^|\s)(?:dont|do not|no longer|never)\s(?:want|wish)\s"
            rf"(?:to\s(?:get|receive|be sent)\s)?{_FILLER}{_NOUN}\b"
            r"(?!\s(?:to stop|stopped|stopping|to end|ending))"
        ),
        _OTHER_SUBJECTS,
    ),
    (
        re.compile(
            r"(?:^|\s)(?:dont|do not|no longer|never)\s(?:want|wish)\s"
            r"(?:to be\s(?:texted|contacted|messaged|emailed)|(?:you|u)\sto\s(?:text|contact|"
            r"message|email)\s(?:me|us))\b"
        ),
        _OTHER_SUBJECTS,
    ),
]

_STANDALONE = [
    re.compile(
        r"(?:(?:please|pls|plz|just|ok|okay|omg|seriously|stop)\s)*(?:stop|quit)"
        r"(?:\s(?:it|now|already|please|pls|plz|thanks|thank you|thx|ty|stop|texting|messaging|"
        r"this|these|them|asap|immediately|right now|for real|seriously|ok|okay|lol|period))*"
    ),
    re.compile(
        r"(?:(?:please|pls|plz|just|ok|okay|now)\s)*leave me alone"
        r"(?:\s(?:please|pls|plz|already|now|thanks|thank you))*"
    ),
]

# A mid-clause match directly after one of these is negated or asks about the
# past: "don't stop sending reminders", "why did you stop texting me".
_NEGATED_BEFORE = re.compile(
    r"(?:^|\s)(?:dont|do not|doesnt|does not|didnt|did not|never|wont|will not|cant|"
    r"can not|cannot|not|shouldnt|should not|wouldnt|would not|couldnt|could not|"
    r"did you|did u|did they|have you|have u|has it|no need to|why would you|why would u)"
    r"(?:\s(?:please|pls|plz|ever|just|want|wanna|need|to|you|u|me))*$"
)
# ... except a threat-shaped plea: "if you don't stop texting me I'll report you".
_PLEA_BEFORE = re.compile(r"\bif (?:you|u|yall|you guys) (?:dont|do not|wont|will not)$")


def _clauses(body: str) -> list[str]:
    text = body
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    chars: list[str] = []
    for ch in _fold(text):
        if ch in _CLAUSE_BREAKS:
            chars.append("\n")
        elif ch.isspace() or unicodedata.category(ch)[0] in "PSC":
            chars.append(" ")
        else:
            chars.append(ch)
    return [clause for line in "".join(chars).split("\n") if (clause := " ".join(line.split()))]


def _is_negated(prefix: str) -> bool:
    prefix = prefix.rstrip()
    return bool(_NEGATED_BEFORE.search(prefix)) and not _PLEA_BEFORE.search(prefix)


def _clause_revokes(clause: str) -> bool:
    if any(pattern.fullmatch(clause) for pattern in _STANDALONE):
        return True
    for pattern, other_subjects in _SELF_DIRECTED:
        for match in pattern.finditer(clause):
            before = clause[: match.start()].split()
            if not before or before[-1] not in other_subjects:
                return True
    return any(
        not _is_negated(clause[: match.start()])
        for pattern in _ANYWHERE
        for match in pattern.finditer(clause)
    )


def is_revocation(body: str) -> bool:
    """Whether a message that may not be a keyword plainly asks to stop messages (R-15)."""
    return any(_clause_revokes(clause) for clause in _clauses(body))


def interpret(body: str, *, opted_out: bool) -> Interpretation:
    """What an inbound SMS asks of consent, given whether its number is opted out.

    Keywords win over natural language. YES is an opt-in only while the number
    is opted out: otherwise it is an ordinary answer ("yes, 3pm works").
    HELP/INFO carry source KEYWORD too, though they change no consent.
    """
    matched = match_keyword(body)
    if matched is not None:
        action, keyword = matched
        if keyword == "YES" and not opted_out:
            return Interpretation(InboundAction.NONE, None, None)
        return Interpretation(action, ConsentSource.KEYWORD, keyword)
    if is_revocation(body):
        return Interpretation(InboundAction.OPT_OUT, ConsentSource.NATURAL_LANGUAGE, None)
    return Interpretation(InboundAction.NONE, None, None)
