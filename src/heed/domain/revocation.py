"""Reading a customer's text for a revocation in English, Spanish or French (R-29).

This module owns the three-way answer *revoke*, *not* or *unsure* for an inbound
text that is not an R-11 keyword, and the language it was written in. It never
touches storage and never raises on any string.

Language is told by a small word-list scorer, not a statistical detector: the
texts are a few words long, the three languages are the only ones heed reads, and
a handful of function words and accents ("no", "mas", "ñ", "m'", "plus") tell
them apart better on two-word texts than character n-grams do; it costs a few
microseconds and no package. A text with no evidence is read as English.

The reading is deliberately conservative, as R-15's is: a revocation is a wish
about *messages to this number* ("no me manden más mensajes"), never about
something else ("cancel my appointment", "unsubscribe from the tune-up plan"),
and an instruction the text only quotes ("reply STOP to opt out") is cut out
before reading. What looks like it might be a revocation but is not plain
("wrong number", "just quit." after other talk: people tell friends to quit
their jobs; a lone "stop." keeps R-15's reading) is *unsure* and goes to a
person (the review list); it is never silently dropped.

English is also read by its parts rather than as listed sentences: a verb of
stopping or removing and what it stops or removes ("discontinue any further texts",
"delete my contact info"), or the writer's own wish ("I'd like the text messages to
stop"), each part guarded against negation, another subject and another errand
("stop texting while driving"). The words of each part are data, in
reading_words.txt. Before the parts are read, English spellings are read as the words
they stand for ("stahp", "rmv", "u", beside a plea's word) and a wish put before a plea
as the plea ("I'd like you to stop" as "please stop").

Where the rules find no wish in an English text (and it is no keyword, broadcast,
quoted instruction, wish to keep the service or other errand they recognise), a learned
second opinion (:mod:`heed.domain.learned_reader`, weights in data/reading_model.txt)
scores its words: a very high probability revokes, a high one sends the text to a
person, and the reading's ``why`` says the learned reader read it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from heed.domain.keywords import (
    ConsentSource,
    InboundAction,
    Interpretation,
    is_keyword_like,
    is_revocation,
    match_keyword,
)
from heed.domain.keywords import interpret as keyword_interpret
from heed.domain.learned_reader import learned_reader


class Verdict(StrEnum):
    REVOKE = "revoke"
    NOT = "not"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Reading:
    verdict: Verdict
    language: str
    why: str
    keyword: str | None = None


_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Mc", "Cf"})
_APOSTROPHES = "'’‘ʼ`´′"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    return kept.casefold()


_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    """Folded text with apostrophes as spaces ("m'envoyer" -> "m envoyer") and no symbols."""
    if text.isascii():
        # The same answer, faster: in ASCII only letters and digits are kept.
        return " ".join(_NOT_ASCII_WORD.sub(" ", text.lower()).split())
    chars: list[str] = []
    for ch in _fold(text):
        if ch in _APOSTROPHES or ch.isspace() or unicodedata.category(ch)[0] in "PSCZ":
            chars.append(" ")
        else:
            chars.append(ch)
    return " ".join("".join(chars).split())


def _data_lines(name: str) -> list[str]:
    """The lines of a versioned data file in heed.domain.data, without comments or blanks."""
    text = resources.files("heed.domain.data").joinpath(name).read_text("utf-8")
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


@cache
def extra_keywords() -> dict[str, str]:
    """Folded keyword -> canonical spelling, from revocation_keywords.txt."""
    return {_words(line): line for line in _data_lines("revocation_keywords.txt")}


@cache
def _word_lists() -> dict[str, frozenset[str]]:
    """Section name -> its words, from reading_words.txt ("[section]" lines open one)."""
    found: dict[str, frozenset[str]] = {}
    section = ""
    for line in _data_lines("reading_words.txt"):
        if line.startswith("["):
            section = line.strip("[]")
        else:
            found[section] = found.get(section, frozenset()) | frozenset(line.split())
    return found


def _word_list(section: str) -> frozenset[str]:
    return _word_lists()[section]


# --- language ------------------------------------------------------------------

_ES_WORDS = _word_list("language es")
_FR_WORDS = _word_list("language fr")
_EN_WORDS = _word_list("language en")
_ES_CHARS = frozenset("ñ¿¡áíóú")
_FR_CHARS = frozenset("çœèêàùâîôûëï")
_FR_ELISION = re.compile(r"(?:^|\s)(?:[mdnljtsc]|qu)['’]\w", re.IGNORECASE)


def detect_language(body: str) -> str:
    """``en``, ``es`` or ``fr`` for a short text; English when nothing tells."""
    lowered = body.casefold()
    scores = {"en": 0.0, "es": 0.0, "fr": 0.0}
    scores["es"] += 3 * sum(ch in _ES_CHARS for ch in lowered)
    scores["fr"] += 3 * sum(ch in _FR_CHARS for ch in lowered)
    scores["fr"] += 2 * len(_FR_ELISION.findall(body))
    for word in _words(body).split():
        scores["es"] += word in _ES_WORDS
        scores["fr"] += word in _FR_WORDS
        scores["en"] += word in _EN_WORDS
    best = max(scores, key=lambda language: (scores[language], language == "en"))
    return best if scores[best] > 0 else "en"


# --- quoted instructions ---------------------------------------------------------

# "Reply STOP to opt out", "Txt STOP to end", "Responda BAJA para ...",
# "Envoyez STOP au 36180", "STOP au 36111": a broadcast telling its reader what to
# send, not its writer asking to stop.
_INSTRUCTED = (
    r"(?:stop|stopall|end|cancel|unsubscribe|quit|optout|opt out|baja|parar|alto|fin|arret|"
    r"arrete|help|info|ayuda|aide|start|unstop|yes|si|oui|y|remove)"
)
_SEND_VERB = (
    r"(?:reply|replying|text|txt|send|respond|responda|responde|conteste|envie|envia|"
    r"mande|repondez|reponds|envoyez|envoie|tapez)"
)
_QUOTED = re.compile(
    # "Reply STOP to opt out"; "reply STOP and we'll remove you": the keyword and what the
    # sender will do.
    rf"\b{_SEND_VERB}\s(?:with\s)?(?:the\sword\s)?{_INSTRUCTED}\s"
    r"(?:(?:to|for|pour|au|para|al|a)\b|and\s(?:we|we ll|well|we will|you ll|you will)\b)"
    rf"|\b(?:to|para|pour)\s(?:opt out|unsubscribe|stop|end|cancel|cancelar|salir|"
    rf"vous desabonner|desabonner)\s(?:\w+\s)?{_SEND_VERB}\s{_INSTRUCTED}\b"
    rf"|\bstop\sau\s\d+"
    # "If you'd like to stop receiving texts, please text STOP": the reader's wish, and
    # what to send for it.
    rf"|\bif\s(?:you|u)\s(?:\w+\s){{1,8}}?{_SEND_VERB}\s(?:with\s)?(?:the\sword\s)?{_INSTRUCTED}\b"
)
# "Reply HELP for help, STOP to cancel", "reply with questions or stop to quit": the
# keyword and its effect, named beside other talk (alone, it is read as a keyword).
_EFFECT = re.compile(r"\s(?:to|2)\s(?:quit|end|stop|cancel|opt out|optout|unsubscribe)\b")
_NAMED = re.compile(rf"\b{_INSTRUCTED}{_EFFECT.pattern}")


def _quoted(words: str) -> re.Match[str] | None:
    """Where a quoted instruction starts in a clause's words, if it has one."""
    found = _QUOTED.search(words)
    if found is None and _EFFECT.search(words):
        found = _NAMED.search(words)
    return found


_CLAUSE_BREAK = re.compile(r"[.!?;\n]+")

# What a sender's broadcast carries and a customer's reply does not: a short code or
# a long number, a web address, a price, an instruction naming a keyword, a prize,
# a template's placeholder. Two kinds of them make a broadcast, whatever else it
# says ("2 stop texts txt STOP to 80062", "Opt-out txt ENG STOP. Box39822 £1.50").
_BROADCAST_MARKS = [
    re.compile(r"\d{5,}"),
    re.compile(r"https?:|www\.|\.(?:com|net|org|co\.uk)\b", re.IGNORECASE),
    re.compile(
        r"[£$€]\s?\d|\b\d+p\b|\d+p/|/(?:min|wk|msg)\b|\bper (?:wk|week|msg|min|month)\b|"
        r"\bppm\b|\bmsg ?& ?data\b|\brates may apply\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:reply|txt|text|send|respond|responda|responde|envoyez|texter)\s(?:\w+\s)?"
        r"(?:stop|end|help|start|yes|unstop|baja|arret)\b|"
        r"\b(?:opt ?-?out|unsub\w*)\s(?:txt|reply|with|stop)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:free|win|won|prize|claim|offer|t ?& ?cs?|ts ?& ?cs|cust(?:omer)? ?care|po box)\b",
        re.IGNORECASE,
    ),
    re.compile(r"[{\[][\w ]+[}\]]|#{3,}|\*{3,}"),
]
# A sender's confirmation tells its reader what happened to them: enough alone.
_CONFIRMATION = re.compile(
    r"\byou (?:are|have been|were|re) (?:now )?(?:unsubscribed|opted out|removed)\b|"
    r"\byou will (?:not|no longer) receive\b|\bno (?:more|further) messages will be sent\b|"
    r"\bwill begin receiving\b|\bvous ne recevrez plus\b|\bsuscripcion ha sido cancelada\b"
)


# Only a sender speaks of its messages as coming "from us": a customer writes "from you".
_SENDER_VOICE = re.compile(
    r"\b(?:messages|texts|alerts|offers|sms|emails|notifications|updates)\sfrom\sus\b"
)


def _is_broadcast(body: str, words: str) -> bool:
    """Whether a text (and its ``words``) reads as a sender's broadcast, not a customer's reply."""
    if _CONFIRMATION.search(words) or ("from us" in words and _SENDER_VOICE.search(words)):
        return True
    return sum(1 for mark in _BROADCAST_MARKS if mark.search(body)) >= 2


# The reader's wish asked beside an instruction: "Would you like to unsubscribe? Reply
# STOP to opt out".
_READERS_WISH = re.compile(
    r"\b(?:do|would|did|if)\s(?:you|u)\s(?:still\s|ever\s)?(?:want|wanna|like|wish|mean|need)\s"
    r"to\s(?:stop|unsubscribe|opt out|optout|quit|end|cancel|be removed)\b"
)


def _unquote(body: str) -> str:
    """The text without quoted instructions, each cut from where it starts to its clause's end;
    beside one, a question of the reader's own wish to stop goes too."""
    kept: list[tuple[str, str]] = []
    quoted_any = False
    for clause in _CLAUSE_BREAK.split(body):
        words = _words(clause)
        quoted = _quoted(words)
        if quoted is not None:
            quoted_any = True
            words = words[: quoted.start()].strip()
            if words:
                kept.append((words, words))
        elif words or any(sign in clause for sign in _STOP_SIGNS):
            # A stop sign is a clause of its own: "This is a business line. 🛑".
            kept.append((clause.strip(), words))
    if quoted_any:
        kept = [(kept_clause, w) for kept_clause, w in kept if not _READERS_WISH.search(w)]
    return ". ".join(kept_clause for kept_clause, _ in kept)


# --- English ---------------------------------------------------------------------

_POLITE = (
    r"(?:hi|hello|hey|hola|buenas|buenos dias|bonjour|salut|please|pls|plz|por favor|favor|svp|"
    r"s il vous plait|s il te plait|ok|okay|thanks|thank you|thank u|thx|thnx|tks|ty|gracias|"
    r"merci|porfa|porfis|plis|xfa|"
    # Feeling and haste around a plea: "ugh STOP", "remove me asap", "seriously, stop".
    r"omg|ugh|seriously|kindly|asap|now|right now)"
)
_POLITE_HEAD = re.compile(rf"^(?:{_POLITE}\s)+")
_POLITE_TAIL = re.compile(rf"(?:\s{_POLITE})+$")
# Politeness, haste or feeling ending a plea: "stop texting me asap thanks".
_POLITE_END = rf"(?:\s(?:{_POLITE}|immediately|already))*$"


_EN_EXTRA = [
    re.compile(
        r"\b(?:delete|erase|remove|purge)\s(?:my|this|the)\s(?:phone\s|cell\s)?"
        r"(?:number|contact|info|contact info|information|details)\b"
    ),
    # "Delete it" alone may be a photo sent by mistake; "wrong number, delete it" is read
    # with the wrong number.
    re.compile(r"\b(?:delete|erase)\sme\b"),
    re.compile(
        r"\b(?:my|this)\s(?:contact\s|phone\s|cell\s)?(?:info|information|number|details)\s"
        r"(?:to\s)?(?:be\s)?(?:removed|deleted|erased)\b"
    ),
    re.compile(
        r"\bdiscontinue\b(?!\s(?:the|my|our)\s(?:\w+\s)?(?:plan|service|membership|contract|"
        r"medication|medications|meds|medicine|prescription|prescriptions|refill|refills|"
        r"treatment|order|subscription)\b)"
        # Someone else's habit: "discontinue texting while driving", "... messaging her".
        r"(?!\s(?:texting|messaging|contacting|calling|emailing|sending)\s(?:while|when|her|him|"
        r"them|people|everyone|during|until|after|before)\b)"
    ),
    re.compile(r"\b(?:texts?|text messages|messages)\sto\sstop\b"),
    re.compile(r"\bno more\s(?:text messages|texts|messages|msgs|sms)\b"),
    re.compile(
        r"\bcancel\s(?:my|the|all|these|your)\s(?:text\s|sms\s)?"
        r"(?:notifications|alerts|texts|messages|text messages|updates)\b"
        # Reminders sent by text: "cancel my text reminders" (not "cancel my reminder call").
        r"|\b(?:cancel|end|stop|disable)\s(?:my|the|all|these|your)\s(?:text|sms)\s"
        r"(?:reminders|appointment reminders|reminder messages)\b"
    ),
    re.compile(
        r"\b(?:get|take)\s(?:me|this number|my (?:number|contact info|contact|info|details))\soff\b"
        r"(?!\s(?:the|your|my|of)\s(?:\w+\s)?(?:schedule|calendar|route|job|visit|appointment|"
        r"shift|roster|rota|rotation|team|crew|project|case|duty|waitlist)"
        r"|\s(?:the|your|my|of)\s(?:wait|waiting)\slist"
        # Off a call, not a list: "get me off the phone with him", "take me off speaker".
        r"|\s(?:(?:the|this|that|my)\s)?(?:phone|speaker|speakerphone|hold|mute|call)\b"
        r"(?!\s(?:list|lists|number)))"
    ),
    re.compile(
        r"\bwant\soff\b(?!\s(?:of\s)?(?:work|early|at|on|today|tomorrow|tonight|for|"
        r"(?:this|next|the)\s(?:week|weekend|month|morning|afternoon|evening|shift|schedule|job|"
        r"bus|train|plane|day)|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)"
    ),
    re.compile(r"\bopting\sout\b(?!\s(?:of\s)?(?:the|my|our)\s)"),
    re.compile(
        r"^(?:(?:please|pls|just)\s)?(?:leave\s(?:me|my|us|this number|my number|this phone)\s"
        rf"(?:alone|be)|go away){_POLITE_END}"
    ),
    re.compile(r"\b(?:revoke|withdraw)\s(?:my\s)?consent\b"),
    re.compile(r"\bcease\s(?:all|and desist|contacting|texting|communication)\b"),
    re.compile(
        r"\bremove\s(?:me|us|this number|from list|from (?:the|your) list)\b"
        # Off a job or a booking, not a list: "remove me from the Friday schedule".
        r"(?!\s(?:from|off)\s(?:the|your|my|our|this|that|of)\s(?:\w+\s){0,2}?(?:schedule|calendar|"
        r"route|job|visit|appointment|shift|roster|rota|rotation|team|crew|project|case|duty|"
        r"waitlist|account|order|invoice|bill|policy|meeting|reservation|booking|lease)\b)"
    ),
    re.compile(
        r"\bstop\s(?:receiving|getting)\s(?:these\s|your\s|any\s)?"
        r"(?:texts|messages|text messages)\b"
    ),
    re.compile(
        r"\bdont\s(?:text|message|contact)\sme\b(?!\s(?:the|a|an|at|on|when|if|about|before|"
        r"after|until|till|while|during|instead|back|yet|tonight|today|tomorrow)\b)"
    ),
    re.compile(
        r"\b(?:dont|don t|do not)\ssend\s(?:me\s|us\s)?(?:(?:any\s)?(?:further|more)|anymore)\s"
        r"(?:text messages|texts|messages|msgs|reminders|notifications|alerts|updates|promos|"
        r"promotions|offers)\b"
    ),
    re.compile(
        r"\b(?:do not|dont|don t)\s(?:text|message|contact)\s"
        r"(?:me|this number|this line|this phone)\b"
        r"(?!\s(?:the|a|an|at|on|when|if|about|before|after|until|till|while|during|instead|"
        r"back|yet|tonight|today|tomorrow)\b)"
    ),
    re.compile(r"\bstop\s(?:them|these)\b"),
]


def _alternation(*sections: str) -> str:
    """A regular expression matching any word of the named reading_words.txt sections."""
    words = sorted(
        frozenset().union(*(_word_list(section) for section in sections)),
        key=lambda word: (-len(word), word),
    )
    return "(?:" + "|".join(re.escape(word) for word in words) + ")"


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPPED = _alternation("en stopped things")
_MESSAGES_ONLY = _alternation("en messages only")
_STOP_FILLER = rf"(?:{_alternation('en stop fillers')}\s){{0,5}}"
_REMOVE_VERBS = _alternation("en remove verbs")
_LIST_TARGET = (
    r"(?:(?:of|the|your|ur|this|these|all|any|my|their|yalls|future|further)\s){0,3}"
    r"(?:(?:text|texting|sms|mailing|email|contact|call|calling|messaging|marketing|"
    r"notification|distribution|subscriber|phone)\s)?"
    r"(?:list|lists|texts|texting|messages|messaging|sms|contacts|system|database|records|"
    r"notifications|marketing|subscribers|program)\b"
)
# A wish that the messages go on: "I don't want the texts to stop".
_NOT_STOPPING = r"(?!\s(?:to stop|stopped|stopping|to end|ending|to go|going))"
# Each part of a revocation whose verb leads, read clause by clause; reading_words.txt
# holds the words.
_EN_PARTS: list[tuple[frozenset[str], re.Pattern[str]]] = [
    # The writer's number opted out: "opt this number out".
    (
        _words_of("opt"),
        re.compile(r"\bopt\s(?:me|us|this number|my number|this phone|my phone|this line)\sout\b"),
    ),
    # A verb of stopping and what it stops: "discontinue any further texts".
    (
        _word_list("en stop verbs"),
        re.compile(rf"\b{_alternation('en stop verbs')}\s(?!of\s){_STOP_FILLER}{_STOPPED}\b"),
    ),
    (
        _word_list("en stop-only-messages verbs"),
        re.compile(
            rf"\b{_alternation('en stop-only-messages verbs')}\s(?!of\s){_STOP_FILLER}"
            rf"{_MESSAGES_ONLY}\b"
        ),
    ),
    # Stopping what the writer is sent, unnamed: "how do I stop receiving these",
    # "please stop sending".
    (
        _words_of("stop quit cease"),
        re.compile(r"\b(?:stop|quit|cease)\s(?:receiving|getting)\s(?:these|them|those)\b"),
    ),
    (
        _words_of("stop quit cease"),
        re.compile(
            rf"\b(?:stop|quit|cease)\s(?:sending|contacting)(?:\s(?:me|us))?"
            rf"(?:\s(?:these|those|them|this|stuff|things))?{_POLITE_END}"
        ),
    ),
    # The writer's phone named instead of the messages: "stop blowing up my phone",
    # "stop using my number".
    (
        _words_of("blowing using"),
        re.compile(
            r"\b(?:stop|quit)\s(?:blowing\sup|using)\s(?:my|this)\s(?:phone\s|cell\s)?"
            r"(?:phone|cell|line|number)\b"
            r"|\b(?:stop|quit)\sblowing\s(?:my|this)\s(?:phone|cell|line)\sup\b"
        ),
    ),
    # Reaching out, following up, reminding: the sender's own messages, named by what
    # they do, the clause's whole wish ("please stop reaching out", "stop reminding me";
    # not "stop following up with the insurer").
    (
        _words_of("reaching following reminding hitting"),
        re.compile(
            r"\b(?:stop|quit|cease)\s(?:reaching\sout|following\sup|reminding\sme|"
            r"hitting\s(?:me|us)\sup)(?:\s(?:to|with)\s(?:me|us))?"
            rf"(?:\s(?:already|anymore|any more|again)){{0,2}}{_POLITE_END}"
        ),
    ),
    # Stopped by an idiom: "knock off the texts", "cut out the messages", "quit it with the
    # texts", "cut it out with the reminders".
    (
        _words_of("knock cut quit stop cool"),
        re.compile(
            rf"\b(?:knock|cut)\s(?:off|out)\s{_STOP_FILLER}{_STOPPED}\b"
            rf"|\b(?:knock|cut)\s{_STOP_FILLER}{_MESSAGES_ONLY}\s(?:off|out)\b"
            rf"|\b(?:knock|cut|quit|stop|cool)\sit\s(?:(?:off|out)\s)?with\s{_STOP_FILLER}{_STOPPED}\b"
        ),
    ),
    # Contact stopped, the clause's whole wish: "stop all contact with this number" (not
    # "... with the wet paint").
    (
        _words_of("contact"),
        re.compile(
            r"\b(?:stop|cease|end|halt|discontinue)\s(?:(?:all|any|further|the)\s)*contact"
            r"(?:\s(?:with\s(?:me|us|this number|my number|this phone|my phone)|from you))?"
            rf"(?:\s(?:now|anymore|any more|immediately)){{0,2}}{_POLITE_END}"
        ),
    ),
    # Turning the messages off: "turn off these notifications", "shut the texts off".
    (
        _words_of("turn shut switch"),
        re.compile(
            rf"\b(?:turn|shut|switch)\s(?:off\s{_STOP_FILLER}{_MESSAGES_ONLY}\b|"
            rf"{_STOP_FILLER}{_MESSAGES_ONLY}\soff\b)"
        ),
    ),
    # Refraining: "please refrain from texting me", "kindly desist from texting me".
    (
        _words_of("refrain desist abstain"),
        re.compile(rf"\b(?:refrain|desist|abstain)\sfrom\s{_STOP_FILLER}{_STOPPED}\b"),
    ),
    # A verb of removing and the writer or their details, from a list or no place named:
    # "delete my contact info", not "remove my name from the sign-up sheet".
    (
        _word_list("en remove verbs"),
        re.compile(
            rf"\b{_REMOVE_VERBS}\s(?:me|us|"
            rf"(?:{_alternation('en remove fillers')}\s){{1,3}}{_alternation('en removed things')})"
            rf"(?:{_POLITE_END}|\s(?:from|off)\s{_LIST_TARGET}|\s(?:and|or|so|because|as|i|we)\b)"
        ),
    ),
    (
        _word_list("en remove verbs"),
        re.compile(rf"\b{_REMOVE_VERBS}\s(?:me\s|us\s)?(?:from|off)\s{_LIST_TARGET}"),
    ),
    # Removed, wished for whoever asks: "is it possible to be removed from your list"
    # (not after a negation: "I don't want to be removed from the list").
    (
        _words_of("removed taken deleted unsubscribed erased"),
        re.compile(
            r"\bto\sbe\s(?:removed|taken off|deleted|unsubscribed|erased)\s(?:from|off)\s(?:of\s)?"
            rf"{_LIST_TARGET}"
        ),
    ),
    # Added to the list no more: "stop adding me to these group texts", "don't add me to
    # your list".
    (
        _words_of("adding add"),
        re.compile(
            r"\b(?:stop|quit|(?:dont|do not|never)(?:\s(?:ever|again))?)\s(?:adding|add)\s"
            r"(?:me|us|my number|this number)\sto\s"
            rf"(?:{_LIST_TARGET}|(?:(?:these|your|this|any|the)\s)?group\s(?:texts|chats|messages)\b"
            rf"|(?:this|these|them){_POLITE_END})"
        ),
    ),
]
# The writer's own wish, whoever else the clause names.
_EN_WISHES: list[tuple[frozenset[str], re.Pattern[str]]] = [
    # What is stopped, then the wish: "I'd like the text messages to stop".
    (
        _words_of("stop end cease discontinue stopped discontinued"),
        re.compile(
            rf"\b(?:like|want|need|would appreciate|appreciate it if|appreciate if)\s"
            r"(?:(?:the|these|those|your|all|all the|all these|any|my)\s)?(?:\w+\s)?"
            rf"{_MESSAGES_ONLY}\s(?:to\s)?"
            r"(?:stop|end|cease|discontinue|be stopped|be discontinued|stopped|discontinued)\b"
        ),
    ),
    # The writer removed: "can I please be taken off of the list", "I want to be removed"
    # (not "I don't want to be removed from the list").
    (
        _words_of("removed taken deleted unsubscribed erased"),
        re.compile(
            r"\b(?:i|we|me|us)\s(?:(?!(?:dont|not|never|wont|cant)\s)\w+\s){0,3}?"
            r"(?:be|been|get|being|getting)\s(?:(?:removed|taken off|deleted|unsubscribed|erased)"
            rf"(?:\s(?:from|off)\s{_LIST_TARGET}|{_POLITE_END})"
            rf"|taken\s(?:off|out of)\s(?:of\s)?{_LIST_TARGET})"
        ),
    ),
    # No more of them: "I don't wish to receive these offers anymore".
    (
        _words_of("anymore more longer"),
        re.compile(
            r"\b(?:dont|do not|no longer|never)\s(?:want|wish|need)\s"
            r"(?:to\s(?:receive|get|see|be sent)\s)?(?:any\s)?(?:more\s|further\s)?(?:of\s)?"
            rf"(?:these|your|those|such)\s(?:{_STOPPED}\s)?(?:anymore|any more|any longer)\b"
        ),
    ),
    (
        _word_list("en messages only"),
        re.compile(
            rf"\b(?:dont|do not|no longer|never)\s(?:want|wish|need)\s"
            rf"(?:to\s(?:receive|get|see|be sent)\s)?{_STOP_FILLER}"
            rf"{_MESSAGES_ONLY}\b{_NOT_STOPPING}"
        ),
    ),
    (
        _words_of("longer"),
        re.compile(
            r"\bno longer\s(?:text|txt|message|contact|send|email|call)\s"
            r"(?:me|us|(?:this|my)\s(?:number|phone|cell|line))\b"
        ),
    ),
    # The wish put to the sender: "I'd appreciate it if you stopped texting me".
    (
        _words_of("stopped stop discontinued discontinue ceased cease quit ended end halted halt"),
        re.compile(
            r"\b(?:if|that)\s(?:you|u|yall|you guys|we)\s(?:would\s|could\s|can\s|will\s)?"
            r"(?:stopped|stop|discontinued|discontinue|ceased|cease|quit|ended|end|halted|halt)\s"
            rf"{_STOP_FILLER}{_STOPPED}\b"
        ),
    ),
    (
        _words_of("receive get sent"),
        re.compile(
            rf"\b(?:like|want|prefer|rather|wish|choose)\s(?:to\snot|not\sto|not)\s"
            rf"(?:receive|get|be sent)\s(?:{_STOP_FILLER}{_MESSAGES_ONLY}\b|"
            rf"(?:these|them|those)(?:\s(?:anymore|any more|any longer))?{_POLITE_END})"
        ),
    ),
    (
        _words_of("anything anymore more"),
        re.compile(
            r"\b(?:dont|do not|never)\s(?:send|text|message)\s(?:me|us)\s"
            rf"(?:anything|any more|anymore|no more)(?:\s(?:else|again|ever))?{_POLITE_END}"
            r"|^(?:(?:please|pls|plz|just|so)\s)*(?:dont|do not)\ssend\s"
            rf"(?:any more|anymore|no more|anything else|anything more){_POLITE_END}"
        ),
    ),
    (
        _words_of("receive get"),
        re.compile(
            r"\b(?:dont|do not|no longer|never)\s(?:want|wish|need)\sto\s(?:receive|get)\s"
            rf"(?:any more|anymore|any further|"
            rf"(?:these|them|those)(?:\s(?:anymore|any more|any longer))?{_POLITE_END})"
        ),
    ),
    # A plea put as a question: "can you please stop?".
    (
        _words_of("stop quit"),
        re.compile(
            r"^(?:(?:hi|hey|hello|ok|okay)\s)*(?:can|could|would|will)\s(?:you|u|yall|you guys)\s"
            r"(?:please\s|pls\s|plz\s|kindly\s|just\s)*(?:stop|quit)"
            r"(?:\s(?:it|now|already|please|pls|plz|asap|thanks|thank you))*$"
        ),
    ),
    # A clause of removing alone beside other talk: "This is a business line. Please
    # remove."
    (
        _words_of("remove delete erase unsubscribe unsub"),
        re.compile(
            r"^(?:(?:please|pls|plz|just|ok|okay|hi|hey|hello|no thanks|no thank you|nope|no)\s)*"
            r"(?:remove|delete|erase|unsubscribe|unsub)"
            r"(?:\s(?:me|us|my number|this number|now|asap|immediately|please|pls|plz|thanks|"
            r"thank you))*$"
        ),
    ),
    # Left alone, said as a clause's whole wish beside other talk: "Not interested. Please
    # go away", "I already have a plumber, leave me alone" (not "he won't leave me alone").
    (
        _words_of("alone away"),
        re.compile(
            r"^(?:(?:please|pls|just)\s)?(?:leave\s(?:me|us|this number|my number|this phone)\s"
            rf"alone|go away){_POLITE_END}"
        ),
    ),
    # Told before: "I've asked you to stop", "I told u 2 stop already".
    (
        _words_of("stop quit"),
        re.compile(
            r"\b(?:told|asked|tell|telling|asking)\s(?:you|u|yall|you guys)\s"
            r"(?:(?:many|several|multiple|\w+)\stimes\s)?(?:to|2)\s(?:stop|quit)"
            r"(?:\s(?:already|again|before|twice|now|many times|several times|multiple times|"
            r"\w+ times|please|pls|plz|thanks|thank you))*$"
        ),
    ),
    # Never again, to the writer: "do not call me again", "don't contact me anymore",
    # but not "you never call me anymore".
    (
        _words_of("again anymore more"),
        re.compile(
            r"(?<!\byou )(?<!\bu )(?<!\bhe )(?<!\bshe )(?<!\bthey )(?<!\bit )"
            r"\b(?:dont|do not|never)\s(?:ever\s)?"
            r"(?:(?:call|contact|text|txt|message|msg|email|bother|spam)\s"
            r"(?:me|us|this number|this line|this phone)|reach\sout(?:\sto\s(?:me|us))?)\s"
            r"(?:ever again|again|anymore|any more|no more)\b"
        ),
    ),
    # The do-not-call list named as where the writer is, or wants to be: "I'm on the
    # do not call list", "put me on your DNC list"; not "are you on the DNC list?".
    (
        _words_of("list registry register"),
        re.compile(
            r"(?<!\bnot )(?<!\bnever )(?<!\bare you )(?<!\bare u )(?<!\br u )(?<!\bis it )"
            r"\b(?:on|to|in)\s(?:(?:the|your|ur|a|my|our)\s)?"
            r"(?:national\s|federal\s|internal\s|state\s)?"
            r"(?:do not call|dont call|dnc|do not text|do not contact|no call|no text)\s"
            r"(?:list|registry|register)\b"
        ),
    ),
    # The writer off the list, with or without "me": "how do I get off this list",
    # "take off list".
    (
        _words_of("off out outta take"),
        re.compile(
            rf"(?<!\bdont )(?<!\bdo not )(?<!\bnever )\b(?:get|take|be|come)\s"
            rf"(?:(?:me|us|my number|this number|my name)\s)?(?:off|of|out of|outta)\s(?:of\s)?"
            rf"{_LIST_TARGET}"
            # A group thread the writer is in: "take me out of this group text".
            r"|\b(?:get|take)\s(?:me|us|my number|this number)\s(?:off|out of|outta)\s(?:of\s)?"
            r"(?:(?:this|the|your|these|that|ur)\s)?group\s(?:text|texts|chat|message|messages|"
            r"thread)\b"
        ),
    ),
    # Said already: "I said stop", "I already texted STOP twice".
    (
        _words_of("stop unsubscribe remove quit end opt"),
        re.compile(
            r"\b(?:i|ive|i ve|i have|we|weve|we ve)\s(?:already\s|just\s|literally\s|even\s)*"
            r"(?:said|texted|typed|replied|wrote|sent)\s(?:you\s|u\s)?"
            r"(?:stop|unsubscribe|remove|remove me|opt out|quit|end)"
            r"(?:\s(?:already|before|twice|again|many times|several times|multiple times|"
            r"\w+ times|please|pls|plz|thanks|thank you))*"
            # ... or said, and the messages came on: "I replied stop and you still text me".
            r"(?:$|\s(?:and|but)\s(?:you|u|yall|you guys)\s(?:still|keep|kept|continue|are still|"
            r"re still)\b)"
        ),
    ),
    # The removal put to the sender: "I'd appreciate it if you removed me from your list".
    (
        _words_of("removed remove took take deleted delete unsubscribed unsubscribe"),
        re.compile(
            r"\b(?:if|that)\s(?:you|u|yall|you guys)\s(?:would\s|could\s|can\s|will\s)?"
            r"(?:removed|remove|took|take|deleted|delete|unsubscribed|unsubscribe)\s"
            r"(?:me|us|my number|this number|my info|my contact info)\b"
        ),
    ),
    # No interest in the messages themselves: "I'm not interested in receiving texts".
    (
        _words_of("interested interest"),
        re.compile(
            rf"\b(?:(?:not|no longer)\sinterested|no\sinterest)\sin\s(?:receiving\s|getting\s)?"
            rf"{_STOP_FILLER}{_MESSAGES_ONLY}\b"
        ),
    ),
    # Worn out by them, the clause's whole say: "I'm sick of these texts" (not "sick of
    # texting him").
    (
        _words_of("sick tired"),
        re.compile(
            r"\b(?:sick|tired|sick and tired)\sof\s(?:(?:these|your|all these|all the|all your|"
            rf"getting|receiving|getting all these)\s)+(?:\w+\s)?{_MESSAGES_ONLY}"
            rf"(?:\s(?:from you|already|anymore))*{_POLITE_END}"
        ),
    ),
    # The plea as a question: "can you please not text me anymore".
    (
        _words_of("not"),
        re.compile(
            r"\b(?:can|could|would|will)\s(?:you|u|yall|you guys)\s"
            r"(?:please\s|pls\s|kindly\s|just\s)*not\s(?:text|txt|message|msg|contact|email|call)\s"
            r"(?:me|us|this number)\b"
            r"(?!\s(?:the|a|an|at|on|when|if|about|before|after|until|till|while|during|instead|"
            r"back|yet|tonight|today|tomorrow)\b)"
        ),
    ),
    # The plea put to the sender, the clause's whole wish: "I'd appreciate it if you'd stop".
    (
        _words_of("stop stopped quit"),
        re.compile(
            r"(?<!\bwhat )(?<!\beven )(?<!\bonly )(?<!\bas )"
            r"\b(?:if|that)\s(?:you|u|yall|you guys)\s(?:would\s|d\s|could\s|can\s|will\s)?"
            r"(?:stop|stopped|quit)(?:\s(?:it|now|already|anymore))*"
            rf"{_POLITE_END}"
        ),
    ),
    # "Lose my number" among other talk: not "did you lose my number?".
    (
        _words_of("lose"),
        re.compile(
            r"(?<!\byou )(?<!\bu )(?<!\bdid )(?<!\bdont )(?<!\bdo not )(?<!\bnot )"
            r"\blose\s(?:my|this)\s(?:phone\s|cell\s)?(?:number|contact|info|contact info|digits)\b"
        ),
    ),
    # A preference that the sender not write: "I'd rather you didn't text me".
    (
        _words_of("prefer rather appreciate"),
        re.compile(
            r"\b(?:prefer|rather|appreciate it|prefer it)\s(?:if\s)?(?:you|u|yall|you guys)\s"
            r"(?:would\s)?(?:not|didnt|did not|wouldnt|would not|dont|do not|never)\s"
            r"(?:text|txt|message|contact|call|email|sms|send)\w*\s"
            r"(?:me|us|this number|anything|messages|texts)\b"
        ),
    ),
    # No need for the messages: "no need to text me anymore", "there's no need to keep
    # texting me", "don't bother texting me" (not "no need to text me back").
    (
        _words_of("need bother"),
        re.compile(
            r"\b(?:no need|dont need|do not need|dont have|do not have)\sto\s"
            r"(?:keep\s(?:texting|txting|messaging|contacting|emailing|sending)\s"
            r"(?:me|us|this number)|"
            r"(?:text|txt|message|contact|email)\s(?:me|us|this number)\s"
            r"(?:anymore|any more|again|any further))\b"
            r"|\b(?:dont|do not)\sbother\s(?:texting|messaging|contacting|emailing)\s"
            r"(?:me|us|this number)\b"
        ),
    ),
    # Not to hear from the sender again: "I don't want to hear from you again".
    (
        _words_of("hear"),
        re.compile(
            r"\b(?:dont|do not|never|no longer)\s(?:want|wish|need)\sto\shear\sfrom\s"
            r"(?:you|u|yall|you guys|your company|this number)"
            rf"(?:\s(?:again|anymore|any more|ever again|ever))*{_POLITE_END}"
        ),
    ),
    # A subscription to the messages ended: "cancel my subscription to these texts".
    (
        _words_of("subscription"),
        re.compile(
            rf"\b(?:cancel|end|stop|terminate|unsubscribe from)\s(?:my|the|this|your)\s"
            rf"(?:text\s|sms\s)?subscription\s(?:to|for|of)\s{_STOP_FILLER}{_MESSAGES_ONLY}\b"
        ),
    ),
    # Out of them: "I want out", "count me out of these texts".
    (
        _words_of("out"),
        re.compile(
            rf"^(?:(?:i|we|just)\s)?want\sout(?:\sof\s{_LIST_TARGET})?{_POLITE_END}"
            rf"|\bcount\s(?:me|us)\sout\sof\s{_STOP_FILLER}(?:{_MESSAGES_ONLY}\b|{_LIST_TARGET})"
        ),
    ),
    # Not on the list: "I don't want to be on your texting list".
    (
        _words_of("list lists"),
        re.compile(
            rf"\b(?:dont|do not|no longer)\s(?:want|wish|need)\sto\s(?:be|stay)\s"
            rf"(?:on|in|part of)\s{_LIST_TARGET}"
        ),
    ),
    # Refusal, then the stop: "not interested please stop".
    (
        _words_of("interested"),
        re.compile(
            r"\bnot interested(?:\sin\s(?:\w+\s){0,3}?\w+)?\s(?:please\s|pls\s|plz\s|so\s|just\s)*"
            r"(?:stop|remove|remove me|unsubscribe|unsubscribe me|delete me)"
            r"(?:\s(?:please|pls|plz|thanks|thank you|it|now))*$"
        ),
    ),
    # No consent to the messages: "I do not consent to these messages".
    (
        _words_of("consent agree"),
        re.compile(
            r"^(?:i|we)\s(?:no longer|do not|dont)\sconsent(?:\s(?:anymore|any more))?"
            rf"{_POLITE_END}|"
            r"\b(?:dont|do not|no longer|never)\s(?:consent|agree)d?\sto\s(?:\w+\s){0,3}?"
            r"(?:messages|texts|texting|text messages|sms|being texted|being contacted|"
            r"being messaged|contact|receiving)\b"
        ),
    ),
    # A bare "no" to the messages, whole clause: "no texts please", "no spam".
    (
        _words_of(
            "spam sms texting marketing promos promotions ads solicitations solicitation "
            "soliciting telemarketing advertising"
        ),
        re.compile(
            rf"^(?:{_POLITE}\s)*no\s(?:spam|sms|texting|marketing|promos|promotions|ads|solicitations|"
            r"solicitation|soliciting|telemarketing|advertising)"
            rf"(?:\s{_POLITE})*$"
        ),
    ),
    (
        _words_of("texts messages msgs"),
        re.compile(
            rf"^(?:{_POLITE}\s)*no\s(?:texts|messages|msgs|text messages)"
            rf"(?:\s(?:{_POLITE}|from you|to this number))+$"
        ),
    ),
    # Off the list, said as the clause's whole wish: "off the list please".
    (
        _words_of("off"),
        re.compile(rf"^(?:{_POLITE}\s)*off\s(?:of\s)?{_LIST_TARGET}(?:\s{_POLITE})*$"),
    ),
    # "Forget my number", said as the clause's wish.
    (
        _words_of("forget"),
        re.compile(
            r"^(?:(?:please|pls|plz|just|and|so|now)\s)*forget\s(?:my|this)\s(?:phone\s)?number\b"
            r"|^(?:(?:please|pls|plz|just|and|so|now)\s)*forget\s(?:you|u)\s(?:ever\s)?had\s"
            r"(?:my|this)\s(?:phone\s)?number\b"
        ),
    ),
    # Done with them: "I'm done with these texts", "I'm done getting these".
    (
        _words_of("done finished"),
        re.compile(
            rf"\b(?:done|finished)\s(?:with|receiving|getting)\s{_STOP_FILLER}{_MESSAGES_ONLY}\b"
            r"|\b(?:done|finished)\s(?:receiving|getting)\s(?:these|them|those)"
            rf"(?:\s(?:anymore|any more))?{_POLITE_END}"
        ),
    ),
    # The messages made to stop, or said to have to: "make these texts stop", "these
    # messages need to stop" (not "the reminders need to stop at 9").
    (
        _words_of("stop end cease"),
        re.compile(
            r"(?:\bmake\s(?:(?:the|these|those|your|all|all the|all these|all of these|this)\s)?"
            rf"(?:\w+\s)?{_MESSAGES_ONLY}\s"
            r"|\b(?:the|these|those|your|all|all the|all these|all of these|this)\s"
            rf"(?:\w+\s)?{_MESSAGES_ONLY}\s(?:need|needs|have|has|must|got|gotta)\s(?:to\s)?)"
            rf"(?:stop|end|cease)(?:\s(?:now|right now|coming|already))*{_POLITE_END}"
            # The messages only pointed at, the clause's whole wish: "I want these to stop",
            # "please make these stop" (not "I want these leaks to stop").
            r"|^(?:(?:i|we)\s(?:would|d)?\s?(?:like|want|need)|(?:please\s|pls\s|just\s)*make)\s"
            r"(?:these|those|all these|all of these)\s(?:to\s)?(?:stop|end)"
            rf"(?:\s(?:now|right now|coming|already))*{_POLITE_END}"
        ),
    ),
    # Asked before to be removed: "how many times do I need to ask to be removed".
    (
        _words_of("removed taken deleted unsubscribed"),
        re.compile(
            r"\b(?:asked|ask|requested|request|begged|beg)\s(?:(?:many|several|multiple|\w+)\s"
            r"times\s)?to\sbe\s(?:removed|taken off|deleted|unsubscribed)"
            rf"(?:\s(?:from|off)\s{_LIST_TARGET}|(?:\s(?:already|before|again|twice|"
            rf"(?:many|several|multiple|\w+)\stimes))*{_POLITE_END})"
        ),
    ),
    # No more of them, wanted: "I want no further contact"; reminders needed no longer.
    (
        _words_of("further more anymore longer"),
        re.compile(
            r"\bwant\sno\s(?:more|further)\s"
            rf"(?:contact|communication|communications|{_MESSAGES_ONLY})\b"
            r"|\b(?:dont|do not|no longer)\s(?:want|need)\s(?:(?:the|these|your|any)\s)?"
            r"(?:reminders|reminder texts)\s(?:anymore|any more|any longer)\b"
            r"|\b(?:dont|do not|no longer)\s(?:want|need)\s(?:any more|anymore|no more)\s"
            rf"(?:reminders|reminder texts){_POLITE_END}"
            r"|\bno longer\s(?:want|need)\s(?:(?:the|these|your|any|appointment|appt)\s){0,2}"
            rf"(?:reminders|reminder texts){_POLITE_END}"
        ),
    ),
    # Left off the list: "leave me off your list".
    (
        _words_of("leave"),
        re.compile(
            rf"\bleave\s(?:me|us|my number|this number|my name)\soff\s(?:of\s)?{_LIST_TARGET}"
        ),
    ),
    # "No more promos please", "enough with the texts": said as the clause's whole wish.
    (
        _words_of("more further enough"),
        re.compile(
            rf"^(?:{_POLITE}\s)*(?:no more|no further|enough|enough with)\s{_STOP_FILLER}"
            rf"(?:{_MESSAGES_ONLY}|contact|reminders|reminder texts|reminder messages)"
            rf"(?:\s(?:from you|from u|to me|to this number|me|us|already|now|anymore|{_POLITE}))*$"
        ),
    ),
    # Said how often already: "how many times do I have to say stop", "how many times do I
    # need to ask you to remove me".
    (
        _words_of("times"),
        re.compile(
            r"\bhow many (?:more )?times (?:do|will|must|should) (?:i|we) (?:have|need|got) to\s"
            r"(?:say|tell (?:you|u|yall)|ask(?: (?:you|u|yall))?|text|reply|write|type|send)\s"
            r"(?:to\s)?(?:stop|unsubscribe|remove me|opt out|quit|take me off|leave me alone|"
            r"not text me|not to text me)\b"
        ),
    ),
    # No need for them: "I have no need for these texts" (not "no need for a reminder").
    (
        _words_of("need"),
        re.compile(
            r"\b(?:have|has|there s|there is)\sno\s(?:more\s)?need\sfor\s"
            r"(?:(?:these|your|the|any|those|more|further|all|all these|all the|all your)\s)?"
            rf"(?:\w+\s)?{_MESSAGES_ONLY}\b"
        ),
    ),
    # The messages said unwanted, the clause's whole say: "texts no longer wanted", "your
    # messages are not welcome".
    (
        _words_of("wanted needed welcome desired necessary required"),
        re.compile(
            rf"^(?:{_POLITE}\s)*"
            r"(?:(?:these|your|ur|the|any|all|all these|all your|further|more)\s)?"
            rf"(?:\w+\s)?{_MESSAGES_ONLY}\s"
            r"(?:(?:are\s|r\s|is\s)?(?:no longer|not|never)|arent|isnt)\s"
            r"(?:wanted|needed|welcome|desired|necessary|required)"
            rf"(?:\s(?:anymore|any more|here|from you|{_POLITE}))*$"
        ),
    ),
    # Sending refused, with where or how often: "do not send texts to this phone", "don't
    # send messages anymore".
    (
        _words_of("send"),
        re.compile(
            r"\b(?:dont|do not|never)\s(?:ever\s)?send\s(?:me\s|us\s)?(?:any\s)?"
            rf"{_STOP_FILLER}{_MESSAGES_ONLY}\s(?:to\s(?:me|us|this\s(?:number|phone|cell|line)|"
            r"my\s(?:number|phone|cell|line))|anymore|any more|again|ever again)\b"
        ),
    ),
    # Not to be contacted, preferred: "I'd prefer not to be contacted", "I'd rather not be
    # texted".
    (
        _words_of("prefer rather"),
        re.compile(
            r"\b(?:prefer|rather)\s(?:to\s)?not\s(?:to\s)?be\s(?:contacted|texted|txted|messaged|"
            r"emailed|bothered|sent\s(?:texts|messages))\b"
        ),
    ),
    # The writer's settings changed to no texts: "please update my preferences to no texts".
    (
        _words_of("preferences preference settings"),
        re.compile(
            r"\b(?:update|change|set|switch|put)\s(?:my|our)\s(?:\w+\s)?(?:preferences?|settings)\s"
            r"(?:to\s(?:no\s(?:texts|messages|sms|text messages|texting|contact)|"
            r"not\s(?:receive|get|be\scontacted))"
            r"|so\s(?:i|we)\s(?:dont|do not|wont|will not|no longer)\s(?:get|receive))\b"
        ),
    ),
    # The number not to be contacted: "this number should not be contacted".
    (
        _words_of("contacted texted messaged called"),
        re.compile(
            r"\b(?:this|my)\s(?:phone\s|cell\s)?(?:number|phone|cell|line)\s(?:should|must|is|can)\s"
            r"(?:not|never|no longer)\s(?:to\s)?be\s(?:contacted|texted|messaged|called)\b"
        ),
    ),
    # Permission withdrawn or denied: "I withdraw permission to text me", "you don't have
    # my consent to text me" (not "you don't have permission to post that").
    (
        _words_of("permission consent"),
        re.compile(
            r"\b(?:revoke|withdraw|take back|rescind)\s(?:my\s|all\s)?(?:permission|consent)\b"
            r"(?!\s(?:for|to)\s(?:the|a|an|this|that|my|our)\s)"
            r"|\b(?:you|u|yall)\s(?:dont|do not|no longer)\shave\s(?:my\s|our\s|any\s)?"
            r"(?:permission|consent)\s(?:to\s(?:text|txt|message|contact|call|email|sms)\b|"
            r"for\s(?:texts|messages|texting|this)\b)"
        ),
    ),
    # Unsubscribing said in the present: "I'm unsubscribing" (not "from Netflix").
    (
        _words_of("unsubscribing"),
        re.compile(
            r"^(?:(?:i m|im|i am|we re|we are|am)\s)?unsubscribing"
            r"(?:\s(?:from\s(?:these|your|this|the|ur)\s(?:texts|messages|list|sms|alerts)|now|"
            rf"{_POLITE}))*$"
        ),
    ),
    # The favour named as no more of them: "I would appreciate no further texts", "I'd
    # appreciate not getting these", "... if I didn't get these texts".
    (
        _words_of("appreciate"),
        re.compile(
            r"\bappreciate\s(?:it\s)?(?:no\s(?:more|further)\s"
            rf"{_STOP_FILLER}{_MESSAGES_ONLY}\b|not\s(?:receiving|getting|being sent)\s"
            rf"(?:{_STOP_FILLER}{_MESSAGES_ONLY}\b|(?:these|them|those){_POLITE_END})"
            r"|(?:it\s)?if\s(?:i|we)\s(?:didnt|did not|no longer|wouldnt|would not|stopped)\s"
            rf"(?:get|receive|getting|receiving)\s(?:{_STOP_FILLER}{_MESSAGES_ONLY}\b|"
            rf"(?:these|them|those)(?:\s(?:anymore|any more))?{_POLITE_END}))"
        ),
    ),
    # The last one, wished: "please let this be the last text", "this should be your last
    # text to me".
    (
        _words_of("last"),
        re.compile(
            r"\blet\s(?:this|that)\sbe\s(?:the|your)\slast\s(?:text|message|msg|sms)\b"
            r"|\b(?:this|that)\s(?:should|must|had better|better|needs to)\sbe\syour\slast\s"
            r"(?:text|message|msg|sms)\b"
        ),
    ),
    # Struck off the list by another verb: "scratch me off your list", "strike me from your
    # list", "wipe my number".
    (
        _words_of("scratch cross strike wipe knock"),
        re.compile(
            r"\b(?:scratch|cross|strike|wipe|knock)\s(?:me|us|my name|my number|this number)\s"
            rf"(?:off|from|out of)\s(?:of\s)?{_LIST_TARGET}"
            r"|^(?:(?:please|pls|plz|just)\s)*wipe\s(?:my|this)\s(?:phone\s|cell\s)?number\b"
        ),
    ),
    # A note on the writer's file or number that it takes no texts: "note my file: no text
    # messages", "flag my number as do not text" (not "... no texts before 9").
    (
        _words_of("note file account mark flag records number"),
        re.compile(
            r"\b(?:note|mark|flag|set|put|update|add)\s(?:\w+\s){0,5}?"
            r"(?:no|do not|dont|not to)\s(?:text|texts|text messages|texting|txt|sms|contact)\b"
        ),
    ),
    # Removal asked for as a noun: "request removal", "removal please", "requesting removal
    # from your list" (not "is removal of the stump extra?").
    (
        _words_of("removal"),
        re.compile(
            rf"^(?:{_POLITE}\s)*(?:(?:i|we)\s)?(?:(?:d|would|am|m)\s)?"
            r"(?:(?:request|requesting|requested|want|need|like|ask for|asking for)\s)?"
            r"(?:a\s|my\s|the\s)?removal"
            rf"(?:\s(?:from\s{_LIST_TARGET}|of\s(?:my|this)\s(?:number|phone|info|contact info)"
            rf"(?:\sfrom\s{_LIST_TARGET})?))?{_POLITE_END}"
        ),
    ),
    # A refusal, then the stop, run together: "no please stop", "no thanks and please stop".
    (
        _words_of("stop"),
        re.compile(
            r"^(?:no|nope|nah|no thanks|no thank you)(?:\s(?:and|so|just))?"
            r"\s(?:(?:please|pls|plz)\s)*"
            r"stop(?:\s(?:it|now|please|pls|plz|thanks|thank you|texting me|messaging me|texting|"
            r"messaging))*$"
        ),
    ),
    # A bare "no" to the messages of a kind, whole clause: "no marketing texts please".
    (
        _words_of("texts messages msgs sms"),
        re.compile(
            rf"^(?:{_POLITE}\s)*no\s(?:marketing|promotional|promo|sales|advertising|automated|"
            r"unsolicited|spam|junk|more|further)\s(?:texts|messages|msgs|text messages|sms)"
            rf"(?:\s(?:{_POLITE}|from you|to this number))*$"
        ),
    ),
]
# Read on the whole text, not clause by clause: a threat that spans a comma ("if you text
# me again, I'll report you"), and a plea that is one only when it is all the text says
# ("Don't text back"; "don't text back, I'm driving" asks for quiet, not an end).
_EN_WHOLE: list[tuple[frozenset[str], re.Pattern[str]]] = [
    # Another channel asked for and texts refused: "email only please, no texts".
    (
        _words_of("only instead"),
        re.compile(
            r"\b(?:email|e mail|calls?|phone calls?|mail)\s(?:only|instead)\b.*"
            r"\bno\s(?:texts|text messages|sms|texting|messages)\b"
            r"|\bno\s(?:texts|text messages|sms|texting)\b.*\b(?:email|calls?)\s(?:only|instead)\b"
        ),
    ),
    (
        _words_of("report reporting sue suing block blocking"),
        re.compile(
            r"\bstop(?:\s(?:texting|messaging|contacting|sending|spamming)(?:\s(?:me|us))?)?\s"
            r"or\s(?:(?:i|we)\s(?:ll|will|m|am|re|are)\s(?:going to\s|gonna\s)?|else\s)?"
            r"(?:report|reporting|sue|suing|block|blocking)\b"
            r"|\b(?:i|we)\s(?:ll|will|m going to|am going to|m gonna|re going to)\s"
            r"(?:report|sue|block)\s(?:you|u|this number|your company|you guys)\sif\s(?:you|u)\s"
            r"(?:keep|continue|dont stop|do not stop|text|message|contact|send)\b"
            r"|\bif\s(?:you|u)\s(?:keep\s(?:texting|messaging|contacting|sending)|"
            r"(?:text|message|contact)\s(?:me|us|this number)\sagain|dont stop|do not stop)\b"
            r"(?:\s(?:me|us|this number))?(?:\s(?:again|anymore|like this|after this))?"
            r"\s(?:i|we)\s(?:ll|will|m going to|am going to|m gonna)\s"
            r"(?:report|sue|block)\b"
        ),
    ),
    # The number not to be used, or this stuff not sent, when that is all the text says:
    # "Do not use my number", "don't send me this stuff" (not "don't use my number, use
    # my wife's").
    (
        _words_of("use"),
        re.compile(
            rf"^(?:{_POLITE}\s)*(?:dont|do not|never|stop|quit)\s(?:ever\s)?(?:use|using)\s"
            r"(?:my|this)\s(?:phone\s|cell\s)?number"
            r"(?:\s(?:again|anymore|any more|for\s(?:marketing|texts|texting|messages|promotions|"
            rf"ads|advertising)|{_POLITE}))*$"
        ),
    ),
    (
        _words_of("stuff crap junk garbage this"),
        re.compile(
            rf"^(?:{_POLITE}\s)*(?:dont|do not|never)\s(?:ever\s)?send\s(?:me|us)\s"
            r"(?:this|that|these|any|"
            r"your|more|any more)\s(?:stuff|crap|junk|garbage|spam)"
            rf"(?:\s(?:again|anymore|any more|ever again|{_POLITE}))*$"
            rf"|^(?:{_POLITE}\s)*no more of (?:this|these|that|it)(?:\s{_POLITE})*$"
        ),
    ),
    (
        _words_of("back"),
        re.compile(
            rf"^(?:{_POLITE}\s)*(?:dont|do not|never)\s(?:ever\s)?(?:text|txt|message|msg|reply|"
            r"respond|write)\s(?:to\s)?(?:me\s|us\s)?back"
            rf"(?:\s(?:again|ever|ever again|anymore|{_POLITE}))*$"
        ),
    ),
]
# A plea that needs the messages named elsewhere in the text: "these text messages are
# quite excessive so please cut it out".
_EN_PLEA = re.compile(r"\b(?:cut it out|knock it off)\b")
_EN_MESSAGES = re.compile(r"\b(?:texts|text messages|messages)\b")
# A leading verb is not a wish when negated or asked about the past just before it
# ("please don't stop the reminders", "why did you stop texting me"), when it is a noun
# ("the bus stop"), or when someone else is its subject ("I quit texting him", "I'll
# stop sending them").
_EN_NEGATION = (
    r"\b(?:dont|do not|didnt|did not|doesnt|does not|never|wont|will not|cant|cannot|"
    r"can not|not(?!\sinterested\b)|nothing|why|shouldnt|wouldnt|couldnt|no need)\b"
    r"(?:\s\w+){0,3}"
)
_EN_NEGATED_BEFORE = re.compile(rf"{_EN_NEGATION}$")
_EN_NOT_A_WISH_BEFORE = re.compile(
    rf"(?:{_EN_NEGATION}"
    r"|\b(?:the|a|an|at|bus|next|last|every|each)"
    r"|\b(?:did|does|have|has|had|were|was|are)\s(?:you|u|yall|they|he|she|it|we)"
    r"(?:\s(?:ever|already|just|really|finally|guys))?"
    r"|\b(?:i|he|she|they|it|we)(?:\s(?:will|ll|would|d|can|could|should|might|must|gonna|"
    r"going to|just|also|then|already|finally))*)$"
)
# What follows a part may make it a wish about when, whom or what else: "stop texting
# while driving", "stop messaging her", "stop texting and go to sleep", "done with
# messages for tonight".
_EN_NOT_A_WISH_AFTER = re.compile(
    r"\s(?:until|till|til|before|after|between|during|unless|except|when|while|so much|"
    r"too much|so often|for now|for tonight|for today|for the night|tonight|today|her|him|"
    r"people|everyone|everybody|others|the group|back|and (?:go|get|come|do|focus|study|sleep|"
    r"work|pay|drive|listen|look|watch))\b"
)
# Words without one of which no part can be read (each part's own words, and what a
# plea needs): most texts skip the parts unread.
_EN_PART_WORDS = frozenset().union(
    *(triggers for triggers, _ in _EN_PARTS + _EN_WISHES + _EN_WHOLE), _words_of("cut knock")
)


def _parts_revoke(words: str, body: str) -> bool:
    """Whether a clause of an English text (and its ``words``) asks, by its parts, to stop
    messages."""
    present = frozenset(words.split())
    if _EN_PART_WORDS.isdisjoint(present):
        return False
    if any(
        not triggers.isdisjoint(present) and pattern.search(_joined_contractions(words))
        for triggers, pattern in _EN_WHOLE
    ):
        return True
    clauses = _EN_CLAUSES.split(body) if _EN_CLAUSES.search(body) else [body]
    if any(
        _clause_parts_revoke(_joined_contractions(words if len(clauses) == 1 else _words(clause)))
        for clause in clauses
    ):
        return True
    return bool(_EN_PLEA.search(words) and _EN_MESSAGES.search(words))


def _clause_parts_revoke(words: str) -> bool:
    present = frozenset(words.split())
    for triggers, pattern in _EN_PARTS:
        if not triggers.isdisjoint(present):
            for match in pattern.finditer(words):
                if not _EN_NOT_A_WISH_BEFORE.search(
                    words[: match.start()].rstrip()
                ) and not _EN_NOT_A_WISH_AFTER.match(words, match.end()):
                    return True
    return any(
        not _EN_NOT_A_WISH_AFTER.match(words, match.end())
        for triggers, pattern in _EN_WISHES
        if not triggers.isdisjoint(present)
        for match in pattern.finditer(words)
    )


_EN_CLAUSES = re.compile(r"[.!?;,\n]+")
_CONTRACTION = re.compile(r"\b(\w+) t\b")


def _joined_contractions(words: str) -> str:
    """ "don t" as "dont": folded words split a contraction at its apostrophe."""
    return _CONTRACTION.sub(r"\1t", words) if " t" in words else words


# Unwanted contact said outright, without a wish: a person decides (unsure); with a
# refusal beside it, the wish is plain.
_EN_UNWANTED = re.compile(
    r"\b(?:how (?:did|do) (?:you|u) get (?:my|this) number|how (?:you|u) got (?:my|this) number|"
    r"where (?:did|do) (?:you|u) get (?:my|this) number|never signed up|didnt sign up|"
    r"why (?:do|are) (?:you|u|yall|you guys) (?:keep )?(?:texting|messaging|contacting) me|"
    r"(?:didnt|did not|never) ask(?:ed)? for (?:these|your|the|this|any|those) "
    r"(?:texts|messages|text messages|sms|alerts|notifications|promos)|"
    r"(?:never|didnt|did not) opt(?:ed)? in|"
    r"did not sign up|"
    r"(?:never|didnt|did not) (?:give|gave|given) (?:you |u )?(?:my )?(?:permission|consent))\b"
)
_EN_UNWANTED_WORDS = _words_of("number sign why ask asked opt opted permission consent")
_EN_REFUSAL = re.compile(r"\bnot interested\b")
_EN_BARE_REFUSAL = re.compile(
    r"^(?:i\s)?(?:dont|do not)\swant\s(?:this|these|it|them|that)(?:\s(?:anymore|any more))?$"
)

# Stopping or cancelling something other than messages.
_EN_ELSEWHERE = re.compile(
    r"\b(?:unsubscribe|cancel|opt out|discontinue)\s(?:me\s)?(?:from\s|of\s)?(?:the|my|our|this)\s"
    r"(?:\w+\s){0,3}(?:plan|membership|contract|agreement|subscription|warranty|appointment|"
    r"visit|service|renewal|order)\b"
    r"(?!\s(?:to|for|of|on)\s(?:(?:the|these|your|ur|those|all|my)\s)?(?:text|texts|sms|messages|"
    r"messaging|text messages|alerts|notifications|marketing)\b)"
)
_EN_KEEP = re.compile(
    r"(?<!dont )(?<!don t )(?<!do not )\b(?:want|wanna|like) to keep\b|\bstill want\b|"
    r"(?<!to )\bkeep (?:sending|the)\b|"
    # The texts themselves kept: "unsubscribe me from the newsletter but texts are fine".
    r"\b(?:texts|texting|text messages|sms)\s(?:are|is)\s(?:fine|ok|okay|good|still fine)\b"
)
# One message's content wanted another way, not an end to texts: "don't text me the
# code, email it". A person decides; with a word of "no more" it revokes as before.
_EN_ONE_THING = re.compile(
    r"\b(?:dont|do not)\s(?:text|send|message)\s(?:me\s)?(?:the|that|this|your)\s"
    r"(?:code|address|link|invoice|quote|estimate|receipt|bill|pdf|photos?|pictures?|"
    r"details|info|confirmation|password|pin|total)\b"
)
_EN_NO_MORE = re.compile(
    r"\b(?:anymore|any more|again|ever|never|no more|stop|unsubscribe|remove|opt out)\b"
)
_EN_LONE_PLEA = re.compile(rf"^(?:(?:just|ok|okay|so)\s)*quit(?:\s(?:it|already|lol|{_POLITE}))*$")
_WRONG = r"\b(?:wrong (?:number|person|guy)|numero equivocado|mauvais numero)\b"
# The number said to be no longer the person's: "this is no longer John's number".
_NOT_THEIRS = r"\b(?:is|s)\s(?:no longer|not)\s(?:my|\w+\ss)\s(?:number|phone|cell)\b"
_PLEA = (
    r".*\b(?:remove|delete|erase|stop|take|borr|elimin|quit|dejen|paren|supprim|arret|retir|"
    r"effac|enlev)"
)
_WRONG_NUMBER_AND_PLEA_ONLY = re.compile(_WRONG + _PLEA)
_NOT_THEIRS_AND_PLEA = re.compile(_NOT_THEIRS + _PLEA)
_WRONG_NUMBER_ONLY = re.compile(_WRONG)
_NOT_THEIRS_NUMBER = re.compile(_NOT_THEIRS)


def _says_not_theirs(words: str) -> bool:
    return ("not " in words or "longer " in words) and (
        "number" in words or "phone" in words or "cell" in words
    )


class _WrongNumber:
    """A wrong number said outright, or the number said to be no longer the person's;
    with ``plea``, followed by a wish to stop or remove."""

    def __init__(self, *, plea: bool) -> None:
        self._wrong = _WRONG_NUMBER_AND_PLEA_ONLY if plea else _WRONG_NUMBER_ONLY
        self._not_theirs = _NOT_THEIRS_AND_PLEA if plea else _NOT_THEIRS_NUMBER

    def search(self, words: str) -> bool:
        if self._wrong.search(words):
            return True
        return _says_not_theirs(words) and self._not_theirs.search(words) is not None


_WRONG_NUMBER_AND_PLEA = _WrongNumber(plea=True)
_WRONG_SIGN = re.compile(r"\bwrong\s?#", re.IGNORECASE)
_WRONG_NUMBER = _WrongNumber(plea=False)


def _read_english(words: str, body: str) -> tuple[Verdict, str]:
    if _EN_KEEP.search(words):
        return Verdict.NOT, "asks to keep the service"
    if _EN_ONE_THING.search(_joined_contractions(words)) and not _EN_NO_MORE.search(words):
        return Verdict.UNSURE, "asks for one message another way"
    cleaned = _EN_ELSEWHERE.sub(" ", words)
    evidence = any(
        not _EN_NEGATED_BEFORE.search(_joined_contractions(cleaned[: match.start()].rstrip()))
        and not _EN_NOT_A_WISH_AFTER.match(cleaned, match.end())
        for p in _EN_EXTRA
        for match in p.finditer(cleaned)
    )
    if not evidence and cleaned == words:
        clauses = [c for c in re.split(r"[.!?\n]+", body) if c.strip()]
        if (
            len(clauses) > 1
            and any(_EN_LONE_PLEA.fullmatch(_words(c)) for c in clauses)
            and not any(_MESSAGING.search(_words(c)) for c in clauses)
        ):
            return Verdict.UNSURE, "a lone 'quit' among other talk"
        evidence = is_revocation(body)
    elif not evidence:
        evidence = is_revocation(cleaned)
    if evidence or _WRONG_NUMBER_AND_PLEA.search(words):
        return Verdict.REVOKE, "asks to stop messages"
    if cleaned == words and _parts_revoke(words, body):
        return Verdict.REVOKE, "asks to stop messages"
    if _has_plain_opt_out_clause(body, words):
        return Verdict.REVOKE, "a clause that is only an opt-out"
    return _read_english_doubt(words)


def _read_english_doubt(words: str) -> tuple[Verdict, str]:
    """An English text that asks plainly for nothing: unsure when it might."""
    joined = _joined_contractions(words)
    if not _EN_UNWANTED_WORDS.isdisjoint(words.split()) and _EN_UNWANTED.search(joined):
        if _EN_REFUSAL.search(words):
            return Verdict.REVOKE, "did not want the messages and says so"
        return Verdict.UNSURE, "says the messages were not asked for"
    if _WRONG_NUMBER.search(words):
        return Verdict.UNSURE, "says it is the wrong number"
    if "want" in words and _EN_BARE_REFUSAL.fullmatch(_POLITE_TAIL.sub("", joined)):
        return Verdict.UNSURE, "does not want something it does not name"
    return Verdict.NOT, _NO_WISH


_NO_WISH = "no wish about messages"
_MESSAGING = re.compile(r"\b(?:text|texts|texting|message|messages|messaging|sms|number|list)\b")


# --- Spanish ---------------------------------------------------------------------

_ES_NOUN = (
    r"(?:mensajes?|textos?|texts|sms|mensajitos|notificaciones|promociones|llamadas|recordatorios|"
    r"avisos|alertas|ofertas|publicidad|correos|whatsapps?)"
)
# Verbs of writing to the customer, in the forms a plea puts them: "no me escriban", "que
# no me envíen", "les agradecería que no me enviaran".
_ES_WRITE_FORMS = (
    r"manden|mandes|mande|mandar|mandaran|mandaras|mandando|envien|envies|envie|enviar|"
    r"enviaran|enviaras|enviando|escriban|escribas|escriba|escribir|escribieran|escribiendo|"
    r"contacten|contactes|contacte|contactar|contactaran|contactando|textear|texteen|"
    r"mensajear|mensajeen|molesten|molestes|moleste|molestar|molestando|"
    # What reaches the customer: "que ya no me lleguen mensajes".
    r"lleguen|llegue"
)
_ES_WRITE = rf"(?:{_ES_WRITE_FORMS})(?:me|nos)?"
_ES_SEND = rf"(?:{_ES_WRITE_FORMS}|llamen|llamar|llamaran|llamando)(?:me|nos)?"
# Going on, or again: "no me sigan mandando", "no me vuelvan a escribir", "ya no me estén
# mandando".
_ES_AGAIN = r"(?:(?:sigan|siga|sigas|vuelvan a|vuelva a|vuelvas a|esten|estes|este|estar)\s)?"
# Politeness and time around a plea, and where it may end.
_ES_TAIL = (
    r"(?:\s(?:por favor|favor|gracias|ya|nunca|jamas|mas|nunca mas|ahora|de nuevo|otra vez|"
    r"nada|nada mas))*"
)
_ES_NOT_AFTER_NO = r"(?<!\bno )(?<!\bnunca )"
# A plea about when, not whether: "no me manden mensajes tan temprano".
_ES_NOT_WHEN = (
    r"(?!\s(?:tan\s(?:temprano|tarde|seguido)|antes|despues|hasta|en la noche|de noche|"
    r"en la madrugada|por la noche|en la manana|a esta hora|a estas horas|los domingos|"
    r"los fines|el fin|durante|mientras|a este numero sino|a mi sino))"
)
# "No", or not wanted: "no me manden", "no quiero que me manden".
_ES_NO = r"\bno\s(?:(?:quiero|queremos|deseo|deseamos)\sque\s)?"
_ES_REVOKE = [
    re.compile(rf"{_ES_NO}(?:me\s|nos\s)?{_ES_AGAIN}{_ES_SEND}\s(?:mas|nunca)\b{_ES_NOT_WHEN}"),
    re.compile(rf"\bno\s(?:me\s)?(?:vuelvan|vuelva|vuelvas)\sa\s{_ES_SEND}\b"),
    # Neither called nor written to: "no me llamen ni me escriban".
    re.compile(rf"\bno\s(?:me\s|nos\s)?\w+\s(?:\w+\s)?ni\s(?:me\s|nos\s)?{_ES_SEND}\b"),
    re.compile(
        rf"{_ES_NOT_AFTER_NO}\b(?:dejen|deja|deje|dejar|paren|pare|para|parar)\sde\s"
        rf"(?:\w+\s){{0,3}}?(?:de\s)?(?:me\s)?{_ES_SEND}\b"
    ),
    re.compile(
        r"\b(?:ya\s)?no\s(?:quiero|deseo|queremos|necesito|necesitamos)\s(?:recibir\s)?"
        rf"(?:mas\s)?(?:sus\s|los\s|estos\s|las\s|estas\s)?{_ES_NOUN}\b"
    ),
    re.compile(rf"\b(?:no|ya basta|basta)\s(?:mas\s)?de\s{_ES_NOUN}\b"),
    re.compile(rf"\bno mas\s{_ES_NOUN}\b"),
    re.compile(rf"{_ES_NOT_AFTER_NO}\b(?:borr|elimin|quit|saqu|sac|bloque)\w*(?:me|nos)\b"),
    re.compile(
        rf"{_ES_NOT_AFTER_NO}\b(?:borr|elimin|quit|saqu|sac)\w*\s(?:mi|este|el)\s"
        r"(?:numero|telefono|contacto|celular)\b"
        # The writer's details: "eliminen mis datos" (not "mis datos de pago").
        rf"|{_ES_NOT_AFTER_NO}\b(?:borr|elimin|quit|saqu|sac)\w*\s(?:mis\s(?:datos|numeros|contactos)|"
        r"mi\s(?:informacion|info|dato|contacto))\b"
        r"(?!\s(?:de\s)?(?:pago|tarjeta|bancarios|facturacion|envio|la cuenta))"
    ),
    # Enough of them: "paren ya con los mensajes", "basta con tantos mensajes", "suficiente
    # con las promociones".
    re.compile(
        r"\b(?:paren|pare|para|basta|ya basta|suficiente|ya estuvo|ya estuvo bueno|ya chole)\s"
        r"(?:ya\s)?(?:con|de)\s(?:(?:los|sus|tantos|tantas|estos|estas|tanto|tanta)\s)?"
        rf"(?:\w+\s)?{_ES_NOUN}\b"
    ),
    # Unsubscribing asked for as a noun: "solicito la baja de mis datos" (not of a plan).
    re.compile(
        r"\b(?:solicito|pido|quiero|deseo|solicitamos|pedimos|queremos)\s(?:la|mi|una)\sbaja\b"
        r"(?!\s(?:del?|de\sla|de\smi)\s(?:\w+\s)?(?:plan|contrato|servicio|membresia|garantia|"
        r"suscripcion al plan|cuenta))"
    ),
    # Not to be contacted, nor to go on receiving: "no deseo ser contactada", "no quiero
    # seguir recibiendo mensajes".
    re.compile(
        r"\bno\s(?:quiero|deseo|queremos|deseamos)\s(?:ser|seguir siendo)\s"
        rf"(?:contactad[oa]s?|molestad[oa]s?)\b{_ES_NOT_WHEN}"
        r"|\bno\s(?:quiero|deseo|queremos|deseamos)\sseguir\s(?:recibiendo|teniendo)\s"
        rf"(?:(?:sus|los|las|estos|estas|mas)\s)?(?:\w+\s)?{_ES_NOUN}\b"
    ),
    # Nothing more from the sender: "no quiero recibir nada de ustedes".
    re.compile(
        r"\bno\s(?:quiero|deseo|queremos|necesito)\s(?:recibir|que me manden|que me envien)\s"
        r"nada(?:\s(?:mas|de\sustedes|de\susted|de\ssu\sempresa|de\sesta\sempresa|de\sparte\sde\sustedes))+"
        r"(?:\s(?:por favor|favor|gracias|ya))*$"
    ),
    # The writer taken off the list: "que me quiten de su lista", "¿me pueden sacar de la
    # lista?", "quiero salir de su lista".
    re.compile(
        r"(?<!\bno )\b(?:me|nos)\s(?:(?:pueden|puede|podrian|podria|puedes|podrias)\s)?"
        r"(?:borr|elimin|quit|sac|saqu|remov|retir|d\w+ de baja)\w*\s(?:de|del)\s"
        r"(?:(?:la|su|sus|esta|esa|este|ese|el)\s)?"
        r"(?:lista|listas|base|sistema|registro|directorio|listado|grupo de difusion)\b"
        r"(?!\s(?:de\s)?(?:espera|precios|compras|pendientes|tareas|invitados|clientes vip))"
        r"|\bsalir(?:me|nos)?\s(?:de|del)\s(?:(?:la|su|sus|esta|este|el)\s)?"
        r"(?:lista|listas|base|listado|sistema|registro|envio|envios)\b"
        r"(?!\s(?:de\s)?(?:espera|precios|compras|pendientes|tareas|invitados))"
        r"|\bno\s(?:quiero|deseo|queremos)\s(?:estar|seguir|permanecer|aparecer|quedar)\sen\s"
        r"(?:(?:la|su|sus|esta|este|el)\s)?(?:lista|listas|base|listado|sistema|registro)\b"
        r"(?!\s(?:de\s)?(?:espera|precios|compras|pendientes|tareas|invitados))"
    ),
    # Stopping receiving: "quiero dejar de recibir mensajes" (not "envíe PARAR para dejar de
    # recibir mensajes", cut as an instruction before, nor "para dejar de ...").
    re.compile(
        rf"(?<!\bpara )\b(?:dejar|dejo|dejamos)\sde\s(?:recibir|tener)\s(?:\w+\s){{0,2}}?"
        rf"(?:{_ES_NOUN}\b|(?:estos|estas|esto|sus)\b)"
    ),
    # The messages themselves stopped: "suspendan las notificaciones", "corten los
    # mensajes".
    re.compile(
        r"\b(?:detengan|detener|deten|paren|parar|suspendan|suspender|suspende|corten|cortar|"
        r"cancelen|cancelar|cancela|quiten|quitar|eliminen|eliminar|desactiven|desactivar|"
        r"desactiva|apaguen|apagar)\s"
        rf"(?:(?:los|las|sus|estos|estas|todos|todas|esos|esas)\s){{1,2}}(?:\w+\s)?{_ES_NOUN}\b"
        # Without the article, as a keyword is sent: "detener mensajes", "parar SMS".
        r"|^(?:(?:por favor|favor|ya)\s)?(?:detengan|detener|paren|parar|suspendan|suspender|"
        rf"corten|cortar|cancelen|cancelar)\s{_ES_NOUN}(?:\s(?:por favor|favor|gracias|ya))*$"
    ),
    re.compile(r"\b(?:darme|dar|denme|deme|dame|darnos|denos)\sde\sbaja\b"),
    re.compile(r"\bdesuscrib\w*\b"),
    # Consent withdrawn or refused: "retiro mi autorización", "no autorizo que me envíen
    # mensajes".
    re.compile(
        r"\bretiro\s(?:mi|el)\s(?:consentimiento|autorizacion|permiso)\b"
        # Abstaining asked: "favor de abstenerse de enviar mensajes".
        rf"|\babsten\w*\s(?:de\s)?{_ES_SEND}\b"
        # Unsubscribed by the sender: "solicito que me den de baja", "¿nos podrían dar de baja?".
        r"|\b(?:me|nos)\s(?:(?:pueden|puede|podrian|podria|puedes)\s)?(?:den|de|dan|dar|da)\sde\sbaja\b"
        # "Nomás" as "no más" before the messages: "nomas mensajes".
        rf"|^nomas\s{_ES_NOUN}(?:\s(?:por favor|favor|gracias|ya))*$"
        r"|\bno\s(?:autorizo|autorice|consiento|doy\s(?:mi\s)?(?:permiso|autorizacion|"
        rf"consentimiento)|tienen\s(?:mi\s)?(?:permiso|autorizacion|consentimiento))\b"
        rf"(?:\s\w+){{0,4}}?\s(?:{_ES_NOUN}|{_ES_SEND})\b"
    ),
    re.compile(r"\bdejenme\sen\spaz\b"),
    re.compile(rf"\bcancel\w*\s(?:los\s|las\s|mis\s)?{_ES_NOUN}\b"),
    re.compile(rf"\bno\s(?:enviar|mandar)\smas\s{_ES_NOUN}\b"),
    re.compile(r"\bnumero equivocado\b.*\b(?:borr|elimin|quit|dejen|paren)\w*\b"),
    # "No+Publi", as a carrier's legend asks: no more advertising.
    re.compile(
        r"^(?:no\s(?:mas\s)?(?:publi|publicidad)|no\smas\spromociones)"
        r"(?:\s(?:por favor|favor|gracias|ya|nunca mas))*$"
    ),
    # A subscription to the messages cancelled: "quiero cancelar mi suscripción a los
    # mensajes" (not to a plan: _ES_ELSEWHERE).
    re.compile(
        r"\bcancel\w*\s(?:mi|la)\ssuscripcion\s(?:a|de)\s(?:(?:los|las|sus|estos)\s)?"
        rf"(?:\w+\s)?{_ES_NOUN}\b"
    ),
]
# Read clause by clause, as the clause's whole plea: "por favor no me contacten", "ya les
# dije que no me escriban" (not "no me llames, escríbeme": calls alone are
# not the messages).
_ES_CLAUSE_PLEAS = [
    # "No" with a verb of sending and, in the same clause, "más" or the messages: "no me
    # manden más mensajes" (not "no me llamen, mejor mándenme un mensaje").
    re.compile(
        rf"{_ES_NO}(?:me\s|nos\s)?{_ES_AGAIN}{_ES_SEND}\b(?:\s\w+){{0,3}}?\s(?:mas|{_ES_NOUN})\b"
        rf"{_ES_NOT_WHEN}"
    ),
    re.compile(
        rf"\b(?:no|nunca|jamas)\s(?:(?:quiero|queremos|deseo|deseamos)\sque\s)?(?:me\s|nos\s)?"
        rf"{_ES_AGAIN}{_ES_WRITE}{_ES_TAIL}$"
    ),
    re.compile(
        r"^(?:(?:por favor|favor|ya|porfa|quiero|queremos)\s)*"
        r"(?:cancelar|cancelen|cancela|cancelo)\s(?:mi\s|la\s)?suscripcion"
        r"(?:\s(?:por favor|favor|gracias|ya))*$"
    ),
]
_ES_CLAUSE_BREAK = re.compile(r"[.,;!?¿¡\n]+")
_ES_ELSEWHERE = re.compile(
    r"\b(?:de\sbaja|cancelar|cancelen|cancela)\s(?:del?|la|el|mi)\s(?:\w+\s){0,2}?"
    r"(?:plan|contrato|servicio|membresia|cita|suscripcion|garantia)\b"
    r"(?!\s(?:a|de)\s(?:(?:los|las|sus|estos)\s)?(?:\w+\s)?"
    rf"{_ES_NOUN}\b)"
)
# Spanish spellings read as the words they stand for: "no kiero", "q ya no", "msjs", "x
# favor".
_ES_SPELLINGS = {
    "kiero": "quiero",
    "qiero": "quiero",
    "q": "que",
    "k": "que",
    "ke": "que",
    "m": "me",
    "msj": "mensajes",
    "msjs": "mensajes",
    "mjs": "mensajes",
    "mjes": "mensajes",
    "mnsjs": "mensajes",
    "mensages": "mensajes",
    "mesajes": "mensajes",
    "porfa": "por favor",
    "porfavor": "por favor",
    "xfa": "por favor",
    "xfavor": "por favor",
    "x": "por",
    "mandes": "manden",
    "nmas": "no mas",
    "d": "de",
}
_ES_SPELLING = re.compile(
    r"\b(?:" + "|".join(sorted(_ES_SPELLINGS, key=len, reverse=True)) + r")\b"
)


def _es_spelled(words: str) -> str:
    return _ES_SPELLING.sub(lambda match: _ES_SPELLINGS[match.group(0)], words)


_ES_SPELLED_WORDS = frozenset(_ES_SPELLINGS)
# Every Spanish plea starts a word with one of these: most texts (and the English ones the
# Spanish reading is tried on) have none, and skip the patterns unread.
_ES_GATE = re.compile(
    r"\b(?:no|ni|nunca|jamas|basta|dej|par|deten|suspend|cort|cancel|quit|borr|elimin|saq|sac|bloque|"
    r"desactiv|apag|absten|baja|ya\b|suficiente|"
    r"remov|retir|salir|dar|den|dem|dam|desuscrib|numero)"
)
_ES_CLAUSE_GATE = frozenset({"no", "nunca", "jamas", "suscripcion"})


def _read_spanish(words: str, body: str) -> tuple[Verdict, str]:
    present = frozenset(words.split())
    spelled = not _ES_SPELLED_WORDS.isdisjoint(present)
    if spelled:
        words = _es_spelled(words)
        present = frozenset(words.split())
    if not _ES_GATE.search(words):
        return _read_with([], words)
    if not _ES_CLAUSE_GATE.isdisjoint(present):
        for clause in _ES_CLAUSE_BREAK.split(body):
            clause_words = _words(clause)
            if spelled:
                clause_words = _es_spelled(clause_words)
            if clause_words and any(p.search(clause_words) for p in _ES_CLAUSE_PLEAS):
                return Verdict.REVOKE, "asks to stop messages"
    return _read_with(_ES_REVOKE, _ES_ELSEWHERE.sub(" ", words))


# --- French ----------------------------------------------------------------------

_FR_NOUN = r"(?:messages?|sms|textos?|texto|notifications|rappels|promotions|appels|envois)"
_FR_SEND = r"(?:envoyer|ecrire|contacter|texter|harceler|spammer|appeler|relancer)"
_FR_REVOKE = [
    re.compile(
        rf"\b(?:arrete[zr]?|arretes|cesse[zr]?|stop)\s(?:de\s|d\s)(?:m\s|me\s|nous\s)?{_FR_SEND}\b"
    ),
    re.compile(
        r"\bne\s(?:m\s|me\s|nous\s)?(?:envoyez|envoie|ecrivez|ecris|contactez|textez|appelez)\splus\b"
    ),
    re.compile(r"\bn\s(?:ecrivez|envoyez|appelez)\splus\b"),
    re.compile(rf"\bne\splus\s(?:m\s|me\s|nous\s)?{_FR_SEND}\b"),
    re.compile(
        rf"\b(?:je|nous)\sne\s(?:veux|voulons|souhaite|souhaitons|desire)\splus\s(?:recevoir\s)?"
        rf"(?:(?:de|d|vos|des|les|ces|mes)\s){{0,2}}{_FR_NOUN}\b"
    ),
    re.compile(rf"^(?:plus\sde|stop\saux?|fini\sles|assez\sde|arret(?:\sdes)?)\s{_FR_NOUN}\b"),
    # "Pas de SMS" ending the text: "merci de noter : pas de SMS" (not "pas de SMS avant 9h").
    re.compile(rf"\bpas\sde\s{_FR_NOUN}(?:\s(?:svp|merci|s il vous plait))*$"),
    re.compile(
        r"\b(?:retirez|enlevez|supprimez|effacez|desinscrivez|desabonnez|rayez)\s"
        r"(?:moi|nous|mon\snumero|mon\scontact|mes\scoordonnees|ce\snumero)\b"
    ),
    re.compile(
        r"\b(?:me|nous)\s(?:desabonner|desinscrire)\b(?!\s(?:du|de\sl|de\sla)\s(?:contrat|plan|abonnement|entretien))"
    ),
    re.compile(r"\bdesinscription\b"),
    re.compile(
        r"\b(?:laissez|laisse|fichez|fiche|foutez|fous)\s(?:moi|nous)\s(?:la\s|en\s)?(?:paix|tranquille)\b"
    ),
    re.compile(r"\b(?:je\s)?retire\smon\sconsentement\b"),
    re.compile(rf"\bannulez\s(?:les\s|mes\s|vos\s)?{_FR_NOUN}\b"),
    re.compile(r"\bmauvais numero\b.*\b(?:supprim|arret|retir|effac|enlev)\w*\b"),
    # The messages themselves stopped: "arrêtez les SMS", "stoppez vos messages".
    re.compile(
        r"(?<!\bne )(?<!\bn )\b(?:arrete[zr]?|arretes|cesse[zr]?|stop|stoppe[zr]?|suspende[zr]?|"
        r"desactive[zr]?|"
        rf"coupe[zr]?|annule[zr]?)\s(?:(?:les|vos|ces|tous|toutes|des|d|tes)\s){{1,2}}{_FR_NOUN}\b"
    ),
    # "Ne" dropped, as people write: "je veux plus recevoir vos messages" ("plus" before a
    # verb is "no longer"; "je veux plus de messages" may want more, and is not read).
    re.compile(
        r"\b(?:je|j|on)\s(?:veux|souhaite|desire|voudrais|veut)\splus\s(?:recevoir|avoir)\s"
        rf"(?:(?:de|d|vos|des|les|ces|tes|aucun|aucune)\s){{0,2}}{_FR_NOUN}\b"
    ),
    # No more of them wished, whoever wishes: "je voudrais ne plus recevoir vos SMS", "je
    # ne désire plus être dérangé".
    re.compile(
        r"\bne\splus\s(?:recevoir|avoir)\s(?:(?:de|d|vos|des|les|ces|aucun|aucune|tes)\s){0,2}"
        rf"{_FR_NOUN}\b"
        r"|\bne\s(?:\w+\s)?plus\s(?:etre\s)?(?:contacte|contactee|contactes|derange|derangee|"
        r"sollicite|sollicitee|relance|relancee)\b"
    ),
    # Had enough of them: "ça suffit les messages", "marre de vos SMS".
    re.compile(
        r"\b(?:ca suffit|suffit|assez|marre|y en a marre)\s(?:(?:de|des|les|avec|vos|ces|d|tous)\s)"
        rf"{{1,2}}{_FR_NOUN}\b"
    ),
    # The writer taken off the list: "pourriez-vous me retirer de votre liste".
    re.compile(
        r"(?<!\bne )(?<!\bpas )\b(?:me|nous)\s(?:retirer|enlever|supprimer|desinscrire|desabonner|"
        r"rayer|effacer|sortir)\s(?:de|du|des)\s(?:(?:votre|vos|la|cette|ces|le|leur|leurs)\s)?"
        r"(?:liste|listes|fichier|fichiers|base|repertoire|envois|messages|sms)\b"
    ),
]


# Every French plea starts a word with one of these (see _ES_GATE).
_FR_GATE = re.compile(
    r"\b(?:arret|cess|stop|ne\b|n\b|plus|fini|assez|retir|enlev|suppr|effac|desinscri|desabonn|"
    r"ray|laiss|annul|mauvais|suspend|coup|suffit|marre|sort|fich|fout|fous|desactiv|pas)"
)


def _read_french(words: str) -> tuple[Verdict, str]:
    return _read_with(_FR_REVOKE if _FR_GATE.search(words) else [], words)


def _read_with(patterns: list[re.Pattern[str]], words: str) -> tuple[Verdict, str]:
    if any(p.search(words) for p in patterns) or _WRONG_NUMBER_AND_PLEA.search(words):
        return Verdict.REVOKE, "asks to stop messages"
    if _WRONG_NUMBER.search(words):
        return Verdict.UNSURE, "says it is the wrong number"
    return Verdict.NOT, "no wish about messages"


# --- English spellings and wishes said another way ------------------------------------


@cache
def _en_spellings(section: str) -> dict[str, str]:
    """Spelling (folded) -> the word it stands for, from a section of reading_words.txt."""
    found: dict[str, str] = {}
    in_section = False
    for line in _data_lines("reading_words.txt"):
        if line.startswith("["):
            in_section = line == f"[{section}]"
        elif in_section:
            word, *spellings = line.split()
            found.update(dict.fromkeys(spellings, word.replace("_", " ")))
    return found


# "my #", "this no.", "wrong no.": the sign or the abbreviation for the number.
_EN_NUMBER_SIGN = re.compile(
    r"\b(my|this|ur|your|the|that|wrong)\s?(?:#|no\.)(?!\w)", re.IGNORECASE
)
# "2" and "4" for "to" and "for" between words: "I'd like u 2 stop", "done 4 tonight".
_EN_TO = re.compile(
    r"(?<![\w.,/:$£€-])2(?= (?:stop|receive|get|be|remove|text|contact|end|quit|unsubscribe|"
    r"opt|keep|delete|cease|halt|leave|send|call|take)\b)",
    re.IGNORECASE,
)
_EN_FOR = re.compile(
    r"(?<=[a-z] )4(?= (?:tonight|today|now|the|a|me|you|good|real|sure|ever)\b)", re.IGNORECASE
)
# A wish put before a plea, at a clause's start: "I'd like you to stop", "I'm asking you not
# to text me", "can you (please) remove me?", "kindly stop". It is read as the plea itself
# ("please stop", "please don't text me"); "would you like to stop receiving texts?" is a
# sender's question, not a plea.
_ADVERBS = r"(?:(?:please|kindly|just)\s+)*"
_EN_WISH_HEAD = re.compile(
    r"\b(?:i(?:['’]?d|\s+would)\s+like|i\s+(?:want|need)|i(?:['’]?m|\s+am)\s+asking)\s+you\s+"
    + _ADVERBS
    + r"(?:(not\s+to|to\s+not)|to)\s+"
    + r"|\b(?:can|could|would|will)\s+you\s+"
    + _ADVERBS
    + r"(not\s+)?(?!(?:like|want|wish|mind|be|been|have|ever|still|really|also|not)\b)"
    + r"|\bkindly\s+"
    # A favour asked: "I would appreciate it if you could remove me", "I'd be grateful if
    # you would stop", "it would be great if you could not text me", "is it possible to
    # stop?".
    + r"|(?:\b(?:i|we)(?:['’]?d|\s+would)\s+(?:really\s+|greatly\s+)?"
    + r"(?:appreciate(?:\s+it)?|be\s+(?:grateful|thankful))\s+if\s+you\s+"
    + r"|\bit\s+would\s+be\s+(?:great|nice|good|wonderful|appreciated|helpful)\s+if\s+you\s+)"
    + r"(?:could|would|can|will)\s+"
    + _ADVERBS
    + r"(not\s+)?(?!(?:like|want|wish|mind|be|been|have|ever|still|really|also|not)\b)"
    + r"|\bis\s+it\s+possible\s+(?:for\s+you\s+)?to\s+"
    + _ADVERBS
    + r"(not\s+)?(?!be\b)",
    re.IGNORECASE,
)
# Where a clause starts: the text's start, a stop or comma, or a greeting or interjection.
_EN_CLAUSE_START = re.compile(
    r"(?:^|[.!?;,:]|\b(?:hi|hey|hello|ok|okay|so|and|but))\s*$", re.IGNORECASE
)
# Interjections and haste carry no wish: "ugh STOP", "omg remove me", "seriously, leave me
# alone", "leave me alone ASAP".
_EN_INTERJECTION = re.compile(r"\s*\b(?:ugh+|omg|seriously|asap)\b[,!.]*", re.IGNORECASE)
_EN_WISH_VERBS = _words_of("like want need asking can could would will")
_EN_FAVOUR_WORDS = _words_of("kindly possible")
_EN_YOU = _words_of("you ya u")
# The verbs a favour is asked with, and the plea each makes.
_EN_BASE_FORMS = {
    "taking": "take",
    "removing": "remove",
    "deleting": "delete",
    "erasing": "erase",
    "stopping": "stop",
    "unsubscribing": "unsubscribe",
    "texting": "text",
    "messaging": "message",
    "contacting": "contact",
    "sending": "send",
    "calling": "call",
    "emailing": "email",
    "putting": "put",
    "leaving": "leave",
    "dropping": "drop",
    "opting": "opt",
    "ceasing": "cease",
    "ending": "end",
    "cancelling": "cancel",
    "canceling": "cancel",
    "discontinuing": "discontinue",
    "quitting": "quit",
    "getting": "get",
}
# A plea asked as a favour: "would you mind taking me off your list" is read as "please
# take me off your list", "do you mind not texting me" as "please dont text me".
_EN_MIND = re.compile(
    r"\b(?:would|do|will)\s+(?:you|ya|u)\s+" + _ADVERBS + r"mind\s+" + _ADVERBS + r"(not\s+)?"
    r"(" + "|".join(_EN_BASE_FORMS) + r")\b",
    re.IGNORECASE,
)


def _mind_as_plea(match: re.Match[str]) -> str:
    verb = _EN_BASE_FORMS[match.group(2).lower()]
    return ("please dont " if match.group(1) else "please ") + verb


_EN_INTERJECTIONS = _words_of("ugh ughh ughhh omg seriously asap")


@lru_cache(maxsize=512)
def _spelling_pattern(found: frozenset[str]) -> re.Pattern[str]:
    """The spellings ``found`` in a text, as whole words (not "u" of "u'll")."""
    alternatives = "|".join(re.escape(s) for s in sorted(found, key=lambda s: (-len(s), s)))
    return re.compile(rf"\b(?:{alternatives})\b(?!['’]\w)", re.IGNORECASE)


_EN_SPELLING = _en_spellings("en slips") | _en_spellings("en text-speak")
_EN_SLIPS = frozenset(_en_spellings("en slips"))
_EN_TEXT_SPEAK = frozenset(_en_spellings("en text-speak"))
_EN_PLEA_WORDS = _word_list("en plea words")


def _spelled(match: re.Match[str]) -> str:
    said = match.group(0)
    word = _EN_SPELLING[said.lower()]
    return word.upper() if said.isupper() and len(said) > 1 else word


def _as_pleas(body: str) -> str:
    """Each wish put before a plea at a clause's start read as the plea itself."""
    kept: list[str] = []
    last = 0
    for match in _EN_WISH_HEAD.finditer(body):
        if _EN_CLAUSE_START.search(body, 0, match.start()) is None:
            continue
        negated = match.group(1) or match.group(2) or match.group(3) or match.group(4)
        kept.append(body[last : match.start()] + ("please dont " if negated else "please "))
        last = match.end()
    return "".join(kept) + body[last:] if kept else body


def _en_normalised(body: str, words: str) -> str:
    """An English text (and its ``words``) with its spellings read as the words they stand
    for, and a wish put before a plea read as the plea ("I'd like u 2 stahp" -> "please
    stop"). Each step runs only when a word it needs is in the text."""
    present = frozenset(words.split())
    found = present & _EN_SLIPS
    if found:
        present |= {_EN_SPELLING[spelling] for spelling in found}
    speak = present & _EN_TEXT_SPEAK
    if speak and not present.isdisjoint(_EN_PLEA_WORDS):
        found |= speak
        present |= {_EN_SPELLING[spelling] for spelling in speak}
    if found:
        body = _spelling_pattern(frozenset(found)).sub(_spelled, body)
    if "#" in body or ("no" in present and "." in body):
        body = _EN_NUMBER_SIGN.sub(r"\1 number", body)
    if "2" in body:
        body = _EN_TO.sub("to", body)
    if "4" in body:
        body = _EN_FOR.sub("for", body)
    if not present.isdisjoint(_EN_INTERJECTIONS):
        body = _EN_INTERJECTION.sub("", body)
    if "mind" in present and not present.isdisjoint(_EN_YOU):
        body = _EN_MIND.sub(_mind_as_plea, body)
    if not present.isdisjoint(_EN_FAVOUR_WORDS) or (
        "you" in present and not present.isdisjoint(_EN_WISH_VERBS)
    ):
        return _as_pleas(body)
    return body


def _is_opt_out_keyword(words: str) -> bool:
    matched = match_keyword(words)
    return matched is not None and matched[0] is InboundAction.OPT_OUT


_OPT_OUT_VERBS = _word_list("opt-out verbs")
_OPT_OUT_COMPANIONS = _word_list("opt-out companions")


def _is_opt_out_words(bare: str) -> bool:
    words = bare.split()
    return (
        len(words) <= 8
        and not _QUOTED.search(bare)
        and any(word in _OPT_OUT_VERBS for word in words)
        and all(word in _OPT_OUT_VERBS or word in _OPT_OUT_COMPANIONS for word in words)
    )


_STOP_SIGNS = _word_list("stop signs")
# QWERTY keys beside each letter of "stop": a slip of a finger, as platforms see
# "dtop" and "sotp" sent alone. "atop" is a word, and so not a slip.
_BESIDE = {"s": "awedxz", "t": "rfgy", "o": "iklp", "p": "ol"}
_STOP_SLIPS = frozenset(
    {"stop"[:i] + "stop"[i + 1] + "stop"[i] + "stop"[i + 2 :] for i in range(3)}
    | {"stop"[:i] + key + "stop"[i + 1 :] for i, ch in enumerate("stop") for key in _BESIDE[ch]}
) - {"atop"}


# A key held down or struck twice: "stoppp", "sstop", "unsubscribee".
_REPEATED = re.compile(r"(.)\1+")
_HELD_KEYS = frozenset({"stop", "stopal", "unsubscribe", "unsub", "quit", "optout", "remove"})


def _is_stop_sign(body: str, words: str) -> bool:
    """Whether a text is a stop sign alone, or with a greeting or thanks: "🛑", "Hi, 🚫"."""
    if not any(sign in body for sign in _STOP_SIGNS):
        return False
    return not _POLITE_TAIL.sub("", _POLITE_HEAD.sub("", words + " ")).strip()


_KEYWORD_TEXT_SPACES = 19
_UNSUBSCRIBE = "unsubscribe"


def _near_unsubscribe(word: str) -> bool:
    """Whether a word is "unsubscribe" with at most two slips (a letter missed, doubled,
    struck beside or swapped): "unsusbcribe", "unsubscrbe"."""
    if not 9 <= len(word) <= 13 or word in (_UNSUBSCRIBE, "unsubscribed"):
        return False
    # Optimal string alignment distance, one row at a time.
    previous2: list[int] = []
    previous = list(range(len(_UNSUBSCRIBE) + 1))
    for i, ch in enumerate(word, 1):
        row = [i]
        for j, target in enumerate(_UNSUBSCRIBE, 1):
            cost = 0 if ch == target else 1
            best = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ch == _UNSUBSCRIBE[j - 2] and word[i - 2] == target:
                best = min(best, previous2[j - 2] + 1)
            row.append(best)
        previous2, previous = previous, row
    return previous[-1] <= 2


def _is_keyword(word: str) -> bool:
    return _is_opt_out_keyword(word) or word in extra_keywords()


def _repeated_keyword(bare: str) -> str | None:
    """Why a text of a few words is an opt-out keyword said more than once ("ALTO ALTO") or
    spelt out letter by letter ("S T O P"), or None."""
    parts = bare.split()
    if len(parts) <= 4 and len(set(parts)) == 1 and _is_keyword(parts[0]):
        return "an opt-out keyword said more than once"
    if (
        3 <= len(parts) <= 12
        and all(len(part) == 1 for part in parts)
        and _is_keyword("".join(parts))
    ):
        return "an opt-out keyword spelt out letter by letter"
    return None


def _odd_keyword(bare: str) -> str | None:
    """Why a text is an opt-out keyword said oddly (a slip, a key held down, repeated or
    spelt out), or None."""
    if " " in bare:
        return _repeated_keyword(bare)
    if bare in _STOP_SLIPS:
        return "STOP with a slip of a finger"
    if bare[:2] == "un" and _near_unsubscribe(bare):
        return "UNSUBSCRIBE with a slip of a finger"
    if _REPEATED.search(bare) and _REPEATED.sub(r"\1", bare) in _HELD_KEYS:
        return "an opt-out keyword with a key held down"
    return None


def _keyword_reading(words: str, language: str) -> Reading | None:
    """A reading when the text is an opt-out keyword, alone or with a greeting or thanks."""
    keyword = extra_keywords().get(words)
    if keyword is not None:
        return Reading(Verdict.REVOKE, language, "an opt-out keyword", keyword)
    if words.count(" ") >= _KEYWORD_TEXT_SPACES:
        # Twenty words and more are never a keyword, even with greetings and thanks around it.
        return None
    bare = _POLITE_TAIL.sub("", _POLITE_HEAD.sub("", words))
    odd = _odd_keyword(bare)
    if odd is not None:
        return Reading(Verdict.REVOKE, language, odd)
    if bare != words and (_is_opt_out_keyword(bare) or bare in extra_keywords()):
        return Reading(Verdict.REVOKE, language, "an opt-out keyword with a greeting or thanks")
    if bare and is_keyword_like(bare):
        return Reading(Verdict.REVOKE, language, "opt-out keywords run together or misspelt")
    if _is_opt_out_words(bare):
        return Reading(Verdict.REVOKE, language, "only words that ask to stop")
    return None


# A clause that is only a plain opt-out, beside other talk: "I moved out of state.
# STOPALL", "This is a business line. 🛑", "not interested, sotp", "we sold the house,
# cease". Among other talk "end", "cancel" and "quit" may be about a job or a friend's,
# and a verb of removing, or one with "it" or "that", about a thing ("remove it").
# A dash between words breaks a clause as a comma does: "STOP - wrong number".
_PLAIN_CLAUSE_BREAK = re.compile(r"[.,!?;:\n]+|\s[-–—]+\s")
_NOT_PLAIN = _words_of("it that remove delete erase block lose quit end cancel no")
_PLAIN_CLAUSE_LENGTH = 24


def _is_plain_opt_out(clause: str) -> bool:
    words = _POLITE_HEAD.sub("", _words(clause) + " ").strip()
    bare = _POLITE_TAIL.sub("", words)
    if not bare:
        return any(sign in clause for sign in _STOP_SIGNS)
    if not _NOT_PLAIN.isdisjoint(bare.split()):
        return False
    return (
        bare in _STOP_SLIPS
        or is_keyword_like(bare)
        or _is_opt_out_words(bare)
        or _is_opt_out_keyword(bare)
        or bare in extra_keywords()
    )


# What such a clause needs, one of them in its words or body (most texts have none).
_PLAIN_STEMS = ("stop", "opt", "unsub", "remov", "cease", "seize", "desist", "revoke", "sotp")


def _has_plain_opt_out_clause(body: str, words: str) -> bool:
    """Whether a text (and its ``words``) of several clauses has one that is only a plain
    opt-out."""
    if (
        not any(stem in words for stem in _PLAIN_STEMS)
        and not any(sign in body for sign in _STOP_SIGNS)
        and _STOP_SLIPS.isdisjoint(words.split())
    ):
        return False
    clauses = _PLAIN_CLAUSE_BREAK.split(body)
    return len(clauses) > 1 and any(
        clause.strip() and len(clause) <= _PLAIN_CLAUSE_LENGTH and _is_plain_opt_out(clause)
        for clause in clauses
    )


def _as_read(body: str, language: str) -> tuple[str, str]:
    """A text as it is read, and its words: "wrong #" as "wrong number", and English
    spellings and wishes as the words and pleas they stand for."""
    if "#" in body:
        # "Wrong #": the sign stands for the word.
        body = _WRONG_SIGN.sub("wrong number", body)
    words = _words(body)
    if language == "en":
        normalised = _en_normalised(body, words)
        if normalised != body:
            return normalised, _words(normalised)
    return body, words


def read(body: str) -> Reading:
    """Whether a text revokes consent, in the language it was written in: the rules'
    reading, and the learned reader's where the rules find no wish in an English text."""
    reading, words = read_by_rules(body)
    if words is None:
        return reading
    learned = learned_reader()
    probability = learned.probability(words)
    if probability >= learned.revoke_at:
        return Reading(Verdict.REVOKE, reading.language, LEARNED_REVOKE)
    if probability >= learned.unsure_at:
        return Reading(Verdict.UNSURE, reading.language, LEARNED_UNSURE)
    return reading


LEARNED_REVOKE = "read by the learned reader as asking to stop messages"
LEARNED_UNSURE = "the learned reader finds it may ask to stop messages"


def read_by_rules(body: str) -> tuple[Reading, str | None]:
    """The rules' reading of a text and, when the learned reader may revisit it (an
    English text the rules read as *not* for want of a wish: no keyword, broadcast,
    quoted instruction, wish to keep the service or other errand), the words it scores."""
    language = detect_language(body)
    unread = body
    body, words = _as_read(body, language)
    keyword_reading = _keyword_reading(words, language)
    if keyword_reading is not None:
        return keyword_reading, None
    if _is_stop_sign(body, words):
        return Reading(Verdict.REVOKE, language, "a stop sign"), None
    # A broadcast is told by its own spellings ("Msg&data rates") or by the words they stand
    # for ("You can reply STAHP to opt out").
    if _is_broadcast(body, words) or (body != unread and _is_broadcast(unread, _words(unread))):
        return Reading(Verdict.NOT, language, "a broadcast or confirmation, not a reply"), None
    read_words = words
    unquoted = _unquote(body)
    quoted = unquoted != body.strip()
    if quoted:
        # What is left after the quoted instruction is read on its own.
        body = unquoted
        words = _words(body)
        if not words:
            return Reading(Verdict.NOT, language, "only quotes an instruction"), None
    words = _POLITE_HEAD.sub("", words)
    verdict, why = _read_in(language, words, body)
    if verdict is Verdict.NOT:
        # A short text may carry too few words to tell its language: "Stop aux messages".
        for other in ("en", "es", "fr"):
            if other != language and _read_in(other, words, body)[0] is Verdict.REVOKE:
                return Reading(Verdict.REVOKE, language, "asks to stop messages"), None
    reading = Reading(verdict, language, why)
    if (
        language == "en"
        and not quoted
        and why == _NO_WISH
        and _EN_ELSEWHERE.search(words) is None
        and read_words
    ):
        return reading, read_words
    return reading, None


def reading_words(body: str) -> str:
    """The words the learned reader scores for an English text: folded, with English
    spellings read as the words they stand for, as the rules read them."""
    return _as_read(body, "en")[1]


def _read_in(language: str, words: str, body: str) -> tuple[Verdict, str]:
    if language == "es":
        return _read_spanish(words, body)
    if language == "fr":
        return _read_french(words)
    return _read_english(words, body)


def interpret(body: str, *, opted_out: bool, reading: Reading | None = None) -> Interpretation:
    """What an inbound SMS asks of consent, reading all three languages (R-11, R-29).

    R-11 keywords are read exactly as :func:`heed.domain.keywords.interpret` reads
    them. Anything else is opted out only on a *revoke* reading; *unsure* and
    *not* change no consent here (the caller puts an unsure text up for review).
    ``reading``: the body's :func:`read`, where the caller read it already.
    """
    if match_keyword(body) is not None:
        return keyword_interpret(body, opted_out=opted_out)
    if reading is None:
        reading = read(body)
    if reading.verdict is not Verdict.REVOKE:
        return Interpretation(InboundAction.NONE, None, None)
    if reading.keyword is not None:
        return Interpretation(InboundAction.OPT_OUT, ConsentSource.KEYWORD, reading.keyword)
    return Interpretation(InboundAction.OPT_OUT, ConsentSource.NATURAL_LANGUAGE, None)
