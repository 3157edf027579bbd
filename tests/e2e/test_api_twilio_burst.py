"""Bursts of Twilio webhooks: texts arriving together are recorded in one transaction,
and no request is answered before the transaction holding its text has committed
(R-16, R-17). The first test runs `heed serve` as a real process."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import httpx
import pytest
from api_support import (
    WEBHOOK_URL,
    free_port,
    heed_serve,
    message_sid,
    twilio_form,
    twilio_signature,
    wait_until_up,
)
from sqlalchemy import select
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import get_signature_algorithm

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.entrypoints.api.batches import BatchWriter
from heed.entrypoints.api.routes.webhooks import Outcome, SignedText, record_signed_texts, twiml
from heed.services import consent
from heed.services.accounts import NewAccount
from heed.services.consent import InboundResult, InboundText

BURST = 200


def _number(i: int) -> str:
    return f"+1512{200 + i % 800:03d}{(os.getpid() + i) % 10000:04d}"


@pytest.fixture
def served(db_url: str, heed: Heed) -> Iterator[str]:
    """``heed serve`` on a free port, its public URL set to where it listens."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "HEED_DATABASE_URL": db_url, "HEED_PUBLIC_URL": url}
    with heed_serve(environment, port) as process:
        wait_until_up(url, process)
        yield url


def _committed(heed: Heed, account_id: str, sid: str) -> bool:
    with heed.uow.read() as tx:
        return (
            tx.session.scalars(
                select(t.ConsentEvent.seq).where(
                    t.ConsentEvent.account_id == account_id,
                    t.ConsentEvent.provider_message_id == sid,
                    t.ConsentEvent.action == "opt_out",
                )
            ).first()
            is not None
        )


def test_a_burst_of_signed_stops_is_answered_only_after_each_opt_out_is_committed(
    served: str, heed: Heed, account: NewAccount, business_number: str
) -> None:
    token = "test-token-" + business_number[-4:]
    webhook = served + "/webhooks/twilio/sms"
    forms = [twilio_form(_number(i), business_number, "STOP") for i in range(BURST)]
    committed_on_answer: dict[str, bool] = {}

    async def send(client: httpx.AsyncClient, form: dict[str, str]) -> httpx.Response:
        signature = twilio_signature(token, form, url=webhook)
        response = await client.post(webhook, data=form, headers={"X-Twilio-Signature": signature})
        # Read the moment the answer arrives: its entry must already be in the database.
        sid = form["MessageSid"]
        committed_on_answer[sid] = _committed(heed, account.account_id, sid)
        return response

    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=BURST)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            return await asyncio.gather(*(send(client, form) for form in forms))

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * BURST
    assert all("You're unsubscribed" in r.text for r in responses)
    assert committed_on_answer == {form["MessageSid"]: True for form in forms}
    with heed.uow.read() as tx:
        entries = tx.session.scalars(
            select(t.ConsentEvent).where(t.ConsentEvent.account_id == account.account_id)
        ).all()
    assert sorted(e.address for e in entries) == sorted(form["From"] for form in forms)
    assert consent.verify_ledger(heed.uow, account.account_id) is None


def test_a_burst_with_a_forged_text_records_every_genuine_one_and_not_the_forgery(
    served: str, heed: Heed, account: NewAccount, business_number: str
) -> None:
    token = "test-token-" + business_number[-4:]
    webhook = served + "/webhooks/twilio/sms"
    forms = [twilio_form(_number(i), business_number, "STOP") for i in range(20)]
    tokens = [("someone-elses-token" if i == 7 else token) for i in range(20)]

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        webhook,
                        data=form,
                        headers={"X-Twilio-Signature": twilio_signature(tok, form, url=webhook)},
                    )
                    for form, tok in zip(forms, tokens, strict=True)
                )
            )

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [403 if i == 7 else 200 for i in range(20)]
    genuine = {form["MessageSid"] for i, form in enumerate(forms) if i != 7}
    assert {sid for sid in genuine if _committed(heed, account.account_id, sid)} == genuine
    assert not _committed(heed, account.account_id, forms[7]["MessageSid"])


def test_retries_arriving_with_their_originals_and_after_them_get_the_same_twiml(
    served: str, heed: Heed, account: NewAccount, business_number: str
) -> None:
    """Twilio retries a webhook whose answer it did not see, sometimes while the first
    delivery is still being written: every delivery of one MessageSid is answered with
    the same confirmation, and the ledger holds it once (R-16, R-17)."""
    token = "test-token-" + business_number[-4:]
    webhook = served + "/webhooks/twilio/sms"
    keywords = ["STOP", "START", "HELP"] * 4
    forms = [twilio_form(_number(i), business_number, kw) for i, kw in enumerate(keywords)]

    async def deliver(deliveries: list[dict[str, str]]) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        webhook,
                        data=form,
                        headers={"X-Twilio-Signature": twilio_signature(token, form, url=webhook)},
                    )
                    for form in deliveries
                )
            )

    together = asyncio.run(deliver([form for form in forms for _ in range(2)]))
    later = asyncio.run(deliver(forms))
    for i, form in enumerate(forms):
        answers = {together[2 * i].content, together[2 * i + 1].content, later[i].content}
        assert len(answers) == 1, (form, answers)
        assert later[i].text.count("<Message>") == 1, later[i].text
    with heed.uow.read() as tx:
        entries = tx.session.scalars(
            select(t.ConsentEvent.provider_message_id).where(
                t.ConsentEvent.account_id == account.account_id
            )
        ).all()
    assert sorted(entries, key=str) == sorted(f["MessageSid"] for f in forms if f["Body"] != "HELP")


def test_a_retry_in_the_same_batch_as_its_original_is_answered_as_the_original(
    heed: Heed, account: NewAccount, business_number: str
) -> None:
    """Both deliveries are taken by one batch (the writer sees both before it runs)."""
    token = "test-token-" + business_number[-4:]
    form = twilio_form(_number(1), business_number, "STOP")
    delivery = SignedText(
        ImmutableMultiDict(form),
        WEBHOOK_URL,
        signature=twilio_signature(token, form),
        algorithm=get_signature_algorithm(None),
    )
    batches: list[int] = []

    def record(texts: list[SignedText]) -> list[Outcome]:
        batches.append(len(texts))
        return record_signed_texts(heed, texts)

    async def deliver_twice() -> tuple[Outcome, Outcome]:
        writer: BatchWriter[SignedText, Outcome] = BatchWriter(record)
        writer.start()
        try:
            return await asyncio.gather(writer.submit(delivery), writer.submit(delivery))
        finally:
            await writer.stop()

    first, retry = asyncio.run(deliver_twice())
    assert batches == [2]
    assert isinstance(first, InboundResult) and isinstance(retry, InboundResult)
    assert first.reply and "unsubscribed" in first.reply
    assert (first.duplicate, retry.duplicate) == (False, True)
    assert twiml(retry.reply) == twiml(first.reply)
    with heed.uow.read() as tx:
        entries = tx.session.scalars(
            select(t.ConsentEvent.provider_message_id).where(
                t.ConsentEvent.account_id == account.account_id
            )
        ).all()
    assert entries == [form["MessageSid"]]


def test_a_batch_the_database_refuses_is_written_again_text_by_text(
    heed: Heed, account: NewAccount, business_number: str
) -> None:
    """One bad text must not cost the texts that arrived with it their opt-out."""
    batches: list[int] = []

    def record(texts: list[InboundText]) -> list[InboundResult | Exception]:
        batches.append(len(texts))
        if any(text.body == "poison" for text in texts):
            # What a constraint violation does: the whole transaction is refused.
            raise RuntimeError("the database refused the transaction")
        return list(consent.record_inbound_batch(heed.uow, texts))

    texts = [
        InboundText(
            account.account_id,
            _number(i),
            business_number,
            "poison" if i == 3 else "STOP",
            message_sid(),
        )
        for i in range(8)
    ]

    async def submit_all() -> list[InboundResult | Exception | BaseException]:
        writer: BatchWriter[InboundText, InboundResult | Exception] = BatchWriter(record)
        writer.start()
        try:
            return list(
                await asyncio.gather(
                    *(writer.submit(text) for text in texts), return_exceptions=True
                )
            )
        finally:
            await writer.stop()

    outcomes = asyncio.run(submit_all())
    assert batches == [8, 1, 1, 1, 1, 1, 1, 1, 1]
    assert isinstance(outcomes[3], RuntimeError)
    assert all(isinstance(o, InboundResult) and o.reply for i, o in enumerate(outcomes) if i != 3)
    for i, text in enumerate(texts):
        assert _committed(heed, account.account_id, text.message_id) is (i != 3)
    assert consent.verify_ledger(heed.uow, account.account_id) is None
