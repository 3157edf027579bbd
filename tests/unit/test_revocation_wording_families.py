"""The R-29 reader on families of English wording (seventh round): a plea asked as a favour,
other verbs of stopping and removing, the messages said unwanted, settings, permission and
the number, a plea said often or with a threat, and pleas that are one only when they are
all the text says; each family with the ordinary texts that must stay *not*."""

from __future__ import annotations

import pytest

from heed.domain.keywords import InboundAction
from heed.domain.revocation import Verdict, interpret, read


def _revokes(text: str) -> bool:
    return interpret(text, opted_out=False).action is InboundAction.OPT_OUT


@pytest.mark.parametrize(
    "body",
    [
        "I would appreciate it if you could remove me from your list",
        "I'd be grateful if you would stop texting me",
        "It would be great if you could take me off your list",
        "it would be great if you could not text me thanks",
        "Is it possible to stop these texts?",
        "Would you mind taking me off your list?",
        "Do you mind not texting me anymore?",
        "would ya mind stopping?",
        "would you mind discontinuing texts to this number?",
    ],
)
def test_a_plea_asked_as_a_favour_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Would you mind stopping by at 3?",
        "I would appreciate it if you could call me back",
        "I'd be grateful if you would send the quote",
        "Is it possible to stop by tomorrow?",
        "Is it possible to get a text the day before?",
        "Would you mind taking me off the schedule for Friday",
        "I'd be grateful if you would take me off the schedule for Friday",
        "Would you mind not texting me after 9pm",
        "do ya mind stopping SHOUTING AT ME ?",
    ],
)
def test_an_errand_asked_as_a_favour_stays_an_errand(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Terminate these messages",
        "Disable text notifications for me",
        "Cancel my text reminders",
        "Scratch me off your list",
        "Strike me from your list",
        "Take me out of this group text",
        "Lose my digits",
        "Forget you ever had my number",
        "stp",
        "unsusbcribe",
        "Nomore",
    ],
)
def test_other_verbs_and_slips_of_stopping_and_removing_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Disable the alarm at 6",
        "Terminate the lease in March",
        "Deactivate my old card please",
        "Take me off speaker",
        "Get me off the phone with this guy lol",
        "I want off work early today",
        "Discontinue my medication refill, the doctor changed it",
        "You need to discontinue texting while driving",
        "he told me to discontinue messaging her",
        "Take me out to dinner",
        "Scratch that, I meant Tuesday",
        "Understand, see you soon",
        "Stp by the shop later",
        "Forget about my number, I'll call you",
    ],
)
def test_the_same_verbs_about_a_call_a_job_or_a_thing_are_not_a_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "No marketing texts please",
        "Texts no longer wanted",
        "I have no need for these texts",
        "Do not send texts to this phone",
        "please don't send any further reminders.",
        "I would appreciate no further texts",
        "I'd appreciate it if I didn't get these texts",
        "Please let this be the last text",
        "No more of this",
        "Don't send me this stuff",
    ],
)
def test_the_messages_said_unwanted_or_refused_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I have no need for a reminder, I'll be there",
        "Updates not needed today, I'll be home all day",
        "Don't send texts to my husband, send them to me",
        "I would appreciate no further delays",
        "No more of this rain please",
        "This will be the last text from me tonight",
        "Don't send me the bill, send it to my husband",
        "Don't send me this stuff by mail",
    ],
)
def test_other_things_unwanted_or_refused_are_not_a_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I'd prefer not to be contacted",
        "Please update my preferences to no texts",
        "Please change my preferences so I don't get texts",
        "This number should not be contacted",
        "Do not use my number",
        "Don't use my number for marketing",
        "I withdraw permission to text me",
        "You don't have my consent to text me",
        "I'm unsubscribing",
    ],
)
def test_settings_permission_and_the_number_withdrawn_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I'd prefer not to be contacted before 9am",
        "Please update my preferences to morning appointments",
        "This number should not be given out to anyone",
        "Don't use my number, use my wife's: 555-0102",
        "You don't have permission to post that photo",
        "I withdraw my complaint",
        "I'm unsubscribing from Netflix",
    ],
)
def test_settings_permission_and_the_number_about_other_things_are_not_a_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "How many times do I have to say stop",
        "how many times do I need to tell you to stop",
        "Stop or I'm reporting this number",
        "If you text me again, I'll report you",
        "I'll report you if you keep texting",
        "Don't text back",
        "No please stop",
        "no thanks and please stop",
    ],
)
def test_a_plea_said_often_with_a_threat_or_as_the_whole_text_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "How many times do I have to tell you I'm busy lol",
        "If you keep texting me jokes I'll report you to mom lol",
        "Stop or I'll be late",
        "Don't text back, I'm driving",
        "Don't text back, I'll call you",
        "No please stop by at 3",
    ],
)
def test_the_same_words_about_something_else_are_not_a_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize("body", ["No+Publi", "no más publicidad gracias"])
def test_no_more_advertising_in_spanish_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body", ["¿No publicaron el horario?", "No publicidad en el evento, por favor"]
)
def test_spanish_talk_about_publishing_is_not_a_wish(body: str) -> None:
    assert not _revokes(body)


def test_not_being_asked_for_the_messages_alone_still_goes_to_a_person() -> None:
    assert read("I didn't ask for these texts").verdict is Verdict.UNSURE
