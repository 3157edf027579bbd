"""The webhook's signature check answers what Twilio's RequestValidator.validate answers
(R-25), computing the signature once when the URL is signed as Twilio usually signs it."""

from __future__ import annotations

import itertools
from unittest import mock

import pytest
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import HMAC_SHA1, HMAC_SHA256, RequestValidator

from heed.entrypoints.api.routes import webhooks
from heed.entrypoints.api.routes.webhooks import SignedText

TOKEN = "an-auth-token"
FORMS = [
    [("From", "+15128675309"), ("To", "+15125550100"), ("Body", "STOP"), ("MessageSid", "SM1")],
    [("Body", "b"), ("Body", "a"), ("From", "+15128675309"), ("Empty", "")],
    [("Body", "STOP ünïcode ✓"), ("Body", "STOP ünïcode ✓")],
    [],
]
URLS = [
    "https://heed.example.com/webhooks/twilio/sms",
    "https://heed.example.com:443/webhooks/twilio/sms",
    "http://heed.example.com/webhooks/twilio/sms",
    "http://heed.example.com:8080/webhooks/twilio/sms?x=1&bodySHA256=abc",
    "https://user@heed.example.com/webhooks/twilio/sms?",
]


def signatures(url: str, form: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(algorithm, signature) pairs a request might carry: right, wrong, or over the URL
    with or without its port."""
    validator = RequestValidator(TOKEN)
    params = ImmutableMultiDict(form)
    variants = {
        url,
        url.replace(":443", "").replace(":8080", ""),
        url.replace(".com/", ".com:443/"),
    }
    found = [("HMAC_SHA1", "not-a-signature"), ("HMAC_SHA512", "x"), ("hmac_sha256", "y")]
    for variant, algorithm in itertools.product(sorted(variants), (HMAC_SHA1, HMAC_SHA256)):
        signature = validator.compute_signature(variant, params, algorithm)
        found += [
            (algorithm, signature),
            (algorithm.lower(), signature),
            (algorithm, signature[:-2]),
        ]
        found.append((HMAC_SHA256 if algorithm == HMAC_SHA1 else HMAC_SHA1, signature))
    return found


@pytest.mark.parametrize(("url", "form"), list(itertools.product(URLS, FORMS)))
def test_a_signature_holds_exactly_when_twilio_s_validator_says_it_does(
    url: str, form: list[tuple[str, str]]
) -> None:
    params = ImmutableMultiDict(form)
    for algorithm, signature in signatures(url, form):
        text = SignedText(params, url, signature, algorithm)
        expected = RequestValidator(TOKEN).validate(url, params, signature, algorithm)
        assert webhooks._signature_holds(TOKEN, text) is expected, (url, form, algorithm)


def test_a_request_signed_over_the_url_as_twilio_sends_it_costs_one_signature() -> None:
    url = URLS[0]
    params = ImmutableMultiDict(FORMS[0])
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    with mock.patch.object(
        RequestValidator, "compute_signature", autospec=True, side_effect=lambda *a: signature
    ) as computed:
        assert webhooks._signature_holds(TOKEN, SignedText(params, url, signature, HMAC_SHA1))
    assert computed.call_count == 1
