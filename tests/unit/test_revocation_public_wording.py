"""The R-29 reader on wording that public sources show: keywords typed in haste, short
texts of opt-out words, and the public SMS corpus (providers' keywords and broadcasts
are in test_revocation_corpus.py)."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from heed.domain.keywords import InboundAction, is_keyword_like
from heed.domain.revocation import Verdict, interpret, read


def _revokes(text: str) -> bool:
    return interpret(text, opted_out=False).action is InboundAction.OPT_OUT


@pytest.mark.parametrize("body", ["stopquit", "unsubscrbe", "optoutt", "remove stop", "Quit-Stop"])
def test_opt_out_keywords_run_together_or_misspelt_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize("word", ["shop", "stopped", "outside", "removed", "top", "option"])
def test_ordinary_words_near_a_keyword_are_not_keywords(word: str) -> None:
    assert not is_keyword_like(word)


@pytest.mark.parametrize(
    "body",
    [
        "remove my cell number please",
        "block this number",
        "Stop all texts to me now",
        "delete me from your contacts thanks",
    ],
)
def test_a_short_text_made_only_of_words_that_ask_to_stop_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "remove the old unit",
        "Cancel it",
        "End of the driveway",
        "Text STOP to opt out",
        "stop by at 3",
        "Delete the old invoice please",
    ],
)
def test_a_short_text_about_something_else_or_quoting_an_instruction_does_not(
    body: str,
) -> None:
    assert not _revokes(body)


def test_not_wanting_to_keep_getting_texts_revokes_and_wanting_to_keep_them_does_not() -> None:
    assert _revokes("Stop these texts, I don't want to keep getting them")
    assert not _revokes("We want to keep the texts coming, they help")


# The UCI SMS Spam Collection (see tests/corpus/README.md) is not in the repository;
# point HEED_SMS_SPAM_COLLECTION at a copy to read it here.
_SMS = os.environ.get("HEED_SMS_SPAM_COLLECTION")


@pytest.mark.skipif(not _SMS, reason="HEED_SMS_SPAM_COLLECTION names no copy of the corpus")
def test_ordinary_texts_and_broadcasts_of_the_public_corpus_are_rarely_read_as_revocations() -> (
    None
):
    false_revocations = texts = 0
    for line in Path(str(_SMS)).read_text(encoding="utf-8").splitlines():
        kind, _, text = line.partition("\t")
        if kind not in ("ham", "spam") or zlib.crc32(text.encode()) % 3 == 0:
            continue
        texts += 1
        false_revocations += _revokes(text)
    print(f"false revocations {false_revocations}/{texts}")
    # Measured on the held-out part (tests/corpus/README.md): 6 in 3,682.
    assert false_revocations <= 6


@pytest.mark.parametrize(
    "body",
    [
        # The wording heed issue 15 names, read by its parts rather than listed.
        "Cancel my text notifications",
        "wrong number please remove",
        "I want no more texts from you",
        "Delete my number from your system",
        "I would appreciate if we discontinue any further texts",
        "Thank you but I would like the text messages to stop can we make this happen",
        "Thank you. I'd like my contact info removed",
        # The same parts in other words.
        "Please halt all text messages",
        "I'd appreciate it if you stopped texting me",
        "Kindly discontinue the reminders",
        "End all messages to this number",
        "Could you please stop sending me these promotions",
        "I want to be removed from your list",
        "I don't wish to receive these offers anymore.",
        "I would like to not receive texts anymore",
        "I'm done getting your texts",
        "Can you please stop?",
        "This is a business line. Please remove.",
        "I've asked you to stop already",
        "These text messages are really quite excessive so please cut it out.",
        "Not real sure how you got my number... but I am not interested",
        "No more",
    ],
)
def test_a_wish_to_stop_messages_revokes_whatever_its_words(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize("body", ["🛑", "Hi, 🚫", "✋ thanks", "SOTP", "dtop", "seize all"])
def test_a_stop_sign_or_a_slip_of_the_finger_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Nothing can stop me from texting you",
        "I quit texting him weeks ago",
        "You need to stop texting while driving",
        "He told me to stop messaging her",
        "stop texting and go to sleep",
        "I'm done with messages for tonight",
        "Please don't send me anything till Friday",
        "Delete my old number, the new one is 512-555-0142",
        "Can you remove my name from the sign up sheet",
        "Your reminder texts are really helpful, don't stop them",
        "Don't text me before 8am please",
        "Could you stop by tomorrow?",
        "end of the messages",
        "Reply with questions or stop to quit.",
        "UNSUBSCRIBE to stop receiving messages from us",
        "please cancel my order",
        "atop",
    ],
)
def test_stopping_or_removing_something_else_or_a_senders_instruction_does_not_revoke(
    body: str,
) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize("body", ["I don't want this", "How did you get my number?"])
def test_a_refusal_that_names_nothing_or_a_complaint_alone_goes_to_a_person(body: str) -> None:
    assert read(body).verdict is Verdict.UNSURE


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("Do not call me again.", True),
        ("Don't contact me anymore", True),
        ("never text me again", True),
        ("you never call me anymore", False),
        ("he doesn't text me anymore", False),
    ],
)
def test_never_again_to_the_writer_revokes_and_a_complaint_that_nobody_writes_does_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I'm on the Do Not Call List", True),
        ("put me on your DNC list", True),
        ("Are you on the do not call list?", False),
        ("I'm not on the do not call list", False),
    ],
)
def test_the_do_not_call_list_named_as_the_writers_place_revokes_and_a_question_does_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("How do I get off this list", True),
        ("take off list", True),
        ("take me of your list", True),
        ("take me out of your system", True),
        ("Exclude me from future messages", True),
        ("take me off the wait list", False),
        ("Take me off the Saturday shift", False),
    ],
)
def test_off_or_out_of_the_list_revokes_with_or_without_me_but_not_off_a_rota(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I said stop", True),
        ("I already said STOP twice", True),
        ("I said stop by at noon", False),
    ],
)
def test_having_said_stop_already_revokes_and_saying_stop_by_does_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I'd appreciate it if you removed me from your list", True),
        ("I'd rather you didn't text me", True),
        ("I would prefer you not text me", True),
        ("There's no need to keep texting me", True),
        ("no need to text me anymore", True),
        ("Hey there, hope you're well, but I'd prefer you don't text me anymore", True),
        ("no need to text me back", False),
        ("Did you stop sending reminders?", False),
    ],
)
def test_a_removal_or_a_silence_put_to_the_sender_as_a_preference_revokes(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I'm not interested in receiving texts", True),
        ("not interested please stop", True),
        ("I do not consent to these messages", True),
        ("I don't want to be on your list", True),
        ("I don't want to hear from you again", True),
        ("I'd rather not receive these", True),
        ("Thank you for the info but I'm not interested, please take me off your list", True),
        ("Not interested in the extended warranty, thanks", False),
        ("I'd rather not pay extra", False),
    ],
)
def test_no_interest_no_consent_or_no_place_on_the_list_revokes_when_it_is_the_messages(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("Turn off these notifications", True),
        ("Please refrain from texting me", True),
        ("kindly desist from texting me", True),
        ("Cancel my subscription to these texts", True),
        ("Count me out of these texts", True),
        ("I want out", True),
        ("Stop blowing up my phone", True),
        ("Turn off the water before you start", False),
        ("Cancel my subscription to the maintenance plan", False),
        ("I want out of this contract", False),
        ("Count me out for Friday", False),
    ],
)
def test_turning_off_refraining_from_or_leaving_the_messages_revokes_and_other_things_do_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("stop fucking texting me", True),
        ("stop f***ing texting me", True),
        ("remvoe me", True),
        ("Wrong # please remove", True),
        ("stop harrassing me", True),
        ("no spam", True),
        ("no texts please", True),
        ("Forget my number", True),
        ("Not interested. Lose my number", True),
        ("END ALL", True),
        ("No more than 2 people please", False),
        ("I lost my number, can you send it", False),
        ("did you lose my number?", False),
    ],
)
def test_oaths_slips_and_signs_do_not_hide_a_revocation_nor_make_one(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("stoppp", True),
        ("sstop", True),
        ("leave me be", True),
        ("Off the list please", True),
        ("Off your list", True),
        ("soo", False),
        ("offf", False),
        ("Off the shelf price?", False),
    ],
)
def test_a_key_held_down_or_a_wish_cut_short_still_revokes(body: str, revokes: bool) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I want to be taken off your list", True),
        ("I asked to be taken off the list", True),
        ("How many times do I need to ask to be removed", True),
        ("I have requested several times to be removed from your list", True),
        ("Leave me off your list", True),
        ("I asked to be removed from the waitlist", False),
        ("I asked to be taken off the schedule for friday", False),
        ("He asked to be removed from the group chat", False),
        ("leave me off the schedule", False),
        ("I need the old heater to be removed", False),
    ],
)
def test_taken_off_asked_to_be_removed_or_left_off_the_list_revokes_but_not_off_a_schedule(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("These messages need to stop", True),
        ("Make the texts stop please", True),
        ("Can you make these messages stop?", True),
        ("the reminders need to stop at 9", False),
        ("Can you make the reminders stop at 9?", False),
        ("make the alerts stop beeping", False),
    ],
)
def test_the_messages_made_to_stop_or_said_to_have_to_revokes_but_not_at_a_time(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("Not interested please delete my number", True),
        ("I'm not interested in your services please stop", True),
        ("No thanks remove", True),
        ("I'm not interested in the upgrade, please stop by Tuesday", False),
        ("I'm not interested in the blue one, please delete the old invoice", False),
        ("No thanks, remove the old filter", False),
        ("He is not interested, please stop by at 5", False),
    ],
)
def test_a_refusal_before_the_wish_does_not_negate_it(body: str, revokes: bool) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("Please stop reaching out", True),
        ("Don't reach out to me again", True),
        ("Stop following up with me", True),
        ("please stop reminding me", True),
        ("please stop hitting me up", True),
        ("stop blowing my phone up", True),
        ("Do not text this line", True),
        ("I have asked you multiple times to stop", True),
        ("stop following up with the insurer", False),
        ("you never reach out to me anymore", False),
        ("I wish you'd reach out more", False),
        ("Stop reminding me of that lol", False),
        ("I told you many times to stop by", False),
        ("stop blowing my mind", False),
        ("dont text me at work", False),
    ],
)
def test_reaching_out_following_up_or_reminding_stopped_revokes_and_other_errands_do_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("I no longer consent", True),
        ("I want no further contact", True),
        ("I don't need reminders anymore", True),
        ("No more texting me", True),
        ("Don't send anymore", True),
        ("No ads please", True),
        ("I no longer consent to the work order", False),
        ("I don't send anymore", False),
        ("we want no more delays", False),
        ("I don't need the reminder for tomorrow", False),
        ("no ads on the truck please", False),
    ],
)
def test_no_consent_no_further_contact_or_no_more_of_them_said_alone_revokes(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


def test_asking_why_the_texts_keep_coming_goes_to_a_person_and_with_a_refusal_revokes() -> None:
    assert read("Why are you texting me?").verdict is Verdict.UNSURE
    assert _revokes("Why do you keep texting me? I'm not interested")


@pytest.mark.parametrize(
    ("body", "revokes"),
    [
        ("Is it possible to be removed from your list", True),
        ("Stop adding me to these group texts", True),
        ("Please stop adding me to this", True),
        ("Don't add me to your list", True),
        ("I never opted in, not interested", True),
        ("stop sendin me texts", True),
        ("rm me from list", True),
        ("rm me from the group", False),
        ("I don't want to be removed from the list", False),
        ("I don't want to be taken off the list", False),
        ("He wants to be removed from the waitlist", False),
        ("Stop adding me to the schedule", False),
        ("Don't add me to the crew", False),
        ("I never asked for the invoice", False),
    ],
)
def test_removal_wished_for_or_adding_to_the_list_refused_revokes_and_a_wish_to_stay_does_not(
    body: str, revokes: bool
) -> None:
    assert _revokes(body) is revokes


@pytest.mark.parametrize(
    "body", ["I didn't ask for these texts", "I never asked for these messages", "I never opted in"]
)
def test_messages_never_asked_for_go_to_a_person(body: str) -> None:
    assert read(body).verdict is Verdict.UNSURE


@pytest.mark.parametrize(
    "body",
    [
        "Don't text me the code, email it",
        "Don't text me the address, call me",
        "dont text me the invoice just email it",
        "Please don't send me the link, I can't open it",
    ],
)
def test_asking_for_one_message_another_way_goes_to_a_person_and_not_a_revocation(
    body: str,
) -> None:
    reading = read(body)
    assert (reading.verdict, reading.why) == (Verdict.UNSURE, "asks for one message another way")


@pytest.mark.parametrize(
    "body",
    [
        "Don't text me anymore",
        "don't text me, call me instead",
        "Don't text me the promos ever again",
        "dont send me the invoice anymore, stop texting",
    ],
)
def test_no_more_texts_revokes_even_beside_a_wish_for_another_way(body: str) -> None:
    assert read(body).verdict is Verdict.REVOKE


# Fourth round (2026-12-07): each new part of the reader with the ordinary texts that
# must stay as they were. Texts from the corpus's tune part or written for heed.


@pytest.mark.parametrize(
    "body",
    [
        "Thank you. I'd like my contact info to be removed.",
        "I'd like my number to be deleted",
        "I want my phone number to be erased from your records",
    ],
)
def test_the_writers_details_wished_to_be_removed_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I don't want my number to be removed",
        "I'd like my old number to be deleted, use 512-555-0199 now",
        "Can my wife's number be removed from the appointment?",
    ],
)
def test_details_kept_or_someone_elses_removed_do_not_revoke(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "If you want to stop getting these reminders, just text STOP.",
        "We got your message. If you would like to stop texts, please send STOP.",
        "Would you like to unsubscribe? Reply STOP to opt out of future alerts.",
        "Did you want to stop these texts? Reply STOP to unsubscribe.",
        "Do you want to opt out? Reply STOP and we'll remove you.",
    ],
)
def test_a_sender_offering_the_reader_a_way_to_stop_is_not_a_revocation(body: str) -> None:
    assert read(body).verdict is Verdict.NOT


@pytest.mark.parametrize(
    "body",
    [
        "Do you want me to text STOP? Stop texting me",
        "Stop texting me. If you don't, I will reply STOP to every message",
    ],
)
def test_a_customer_naming_the_keyword_beside_a_wish_still_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Enough texts already",
        "I'm done getting these",
        "Please don't send me anymore texts",
        "I have asked to be removed several times",
        "I don't need any more reminders",
        "I replied stop and you still text me",
        "Opt this number out",
        "I want these to stop",
        "Please make these stop",
        "I have no interest in these messages",
        "Please leave this number alone",
        "I'm sick of these messages",
        "Can you please not text me anymore",
        "I'd appreciate it if you'd stop",
    ],
)
def test_wishes_to_stop_said_in_other_shapes_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I'm done getting these boxes, send the invoice",
        "I want these leaks to stop",
        "I said stop and he laughed",
        "Don't opt me out",
        "I'm sick of texting him",
        "Can you not text me before 8",
        "Can you not text me the code, email it",
        "I'd appreciate it if you'd stop by Tuesday",
        "What if you stop",
    ],
)
def test_the_same_words_about_something_else_do_not_revoke(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body", ["This is no longer John's number, please remove it", "This is not my number. Stop"]
)
def test_a_number_said_to_be_no_longer_the_persons_with_a_plea_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body", ["This is not my number", "I never gave you permission to text me"]
)
def test_a_number_not_the_persons_or_permission_never_given_alone_goes_to_a_person(
    body: str,
) -> None:
    assert read(body).verdict is Verdict.UNSURE


@pytest.mark.parametrize(
    "body",
    ["Stop sending me appointment reminders", "I no longer want appointment reminders"],
)
def test_reminders_named_by_what_they_are_about_are_still_the_messages(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    ["Cancel the appointment", "Stop the appointment", "I no longer need the reminders for Friday"],
)
def test_the_appointment_itself_or_one_days_reminders_are_not_the_messages(body: str) -> None:
    assert not _revokes(body)
