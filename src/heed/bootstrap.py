"""The one place that wires heed: settings, engine, unit of work and transport."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine

from heed.adapters.crypto import Keyring, SecretKeyError
from heed.adapters.db.engine import make_engine
from heed.adapters.db.instance import instance_secret
from heed.adapters.db.keys import check_and_seal
from heed.adapters.db.migrate import upgrade
from heed.adapters.db.sealed import attach
from heed.adapters.db.uow import UnitOfWork
from heed.adapters.transports import (
    ChannelRouter,
    LogTransport,
    SmtpTransport,
    Transport,
    TwilioTransport,
)
from heed.config import Settings
from heed.domain.sending_rules import sending_rules
from heed.services import common

logger = logging.getLogger("heed")


@dataclass
class Heed:
    settings: Settings
    engine: Engine
    uow: UnitOfWork
    transport: Transport
    extras: dict[str, object] = field(default_factory=dict)


def make_transport(settings: Settings) -> Transport:
    log = LogTransport()
    sms: Transport
    if settings.transport == "twilio":
        sms = TwilioTransport(
            settings.twilio_account_sid, settings.twilio_api_key, settings.twilio_api_base
        )
    elif settings.transport == "log":
        sms = log
    else:
        raise ValueError(f"HEED_TRANSPORT must be log or twilio, not {settings.transport!r}")
    email: Transport
    if settings.email_transport == "smtp":
        email = SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            settings.email_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    elif settings.email_transport == "log":
        email = log
    else:
        raise ValueError(
            f"HEED_EMAIL_TRANSPORT must be log or smtp, not {settings.email_transport!r}"
        )
    return log if sms is log and email is log else ChannelRouter(sms, email)


def keyring(settings: Settings) -> Keyring:
    """The key that seals stored secrets: HEED_SECRET_KEY's, else the key file's."""
    return Keyring.load(
        secret_key=settings.secret_key,
        old_secret_keys=settings.old_secret_keys,
        key_file=settings.resolved_key_file(),
    )


def build(
    settings: Settings | None = None,
    *,
    migrate: bool = False,
    transport: Transport | None = None,
) -> Heed:
    settings = settings or Settings()
    # The sending rules table, read and checked once: a broken data file stops
    # start-up here with a RulesError naming the rule and the field at fault.
    sending_rules()
    if settings.test_clock is not None:
        common.clock = common.clock_starting_at(settings.test_clock)
        logger.warning(
            "HEED_TEST_CLOCK is set: heed's clock started at %s, not at the time of day. "
            "It is for tests only.",
            settings.test_clock.isoformat(),
        )
    url = settings.resolved_database_url()
    if migrate:
        upgrade(url)
    engine = make_engine(url)
    attach(engine, keyring(settings))
    if migrate:
        # Start-up: a wrong key stops here, with a sentence saying so, rather than
        # reading garbage later; secrets left plain by an older heed are sealed.
        try:
            check_and_seal(engine)
        except SecretKeyError:
            engine.dispose()
            raise
    if migrate:
        settings = _signing(settings, engine)
    return Heed(settings, engine, UnitOfWork(engine), transport or make_transport(settings))


def build_worker(settings: Settings | None = None) -> Heed:
    """heed in one of the processes of ``heed serve --workers N``.

    The parent process migrated the database and checked the key before it started
    the workers, so neither is done again here. Each worker opens its own engine and
    pool once it runs (no connection crosses a process), and signs with the
    installation's secret like every other process, so a staff session or a link
    signed by one worker is good in the others.
    """
    heed = build(settings)
    heed.settings = _signing(heed.settings, heed.engine)
    return heed


def _signing(settings: Settings, engine: Engine) -> Settings:
    """The settings with HEED_SECRET_KEY, else the installation's stored secret."""
    if settings.secret_key:
        return settings
    return settings.model_copy(update={"secret_key": instance_secret(engine)})


def freeze_start_up_heap() -> None:
    """Keep what a server process made while starting out of the collector's scans.

    A server's start-up leaves some hundred thousand long-lived objects (modules,
    routes, tables, the rules) that every full collection would walk again, and a busy
    server makes full collections often: on a batch of decisions that was about a
    fifth of the CPU (bench/RESULTS.md). They are collected once, then frozen; what
    requests make later is collected as usual. Called by the server once its app is
    made (``heed serve``, each ``--workers`` process), not by tests or the CLI, whose
    short lives would gain nothing and would keep their own garbage.
    """
    gc.collect()
    gc.freeze()
