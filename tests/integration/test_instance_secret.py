"""Signed links and sessions outlive a restart when HEED_SECRET_KEY is unset (R-14)."""

from __future__ import annotations

from heed.bootstrap import build, build_worker
from heed.config import Settings
from heed.services.unsubscribe import make_token, read_token, signing_key


def test_a_restarted_server_still_accepts_the_unsubscribe_links_it_sent(db_url: str) -> None:
    before = build(Settings(database_url=db_url, secret_key=""), migrate=True)
    after = build(Settings(database_url=db_url, secret_key=""), migrate=True)
    try:
        assert before.settings.secret_key
        assert after.settings.secret_key == before.settings.secret_key
        token = make_token(signing_key(before.settings), "acc_1", "maria@gmail.com")
        assert read_token(signing_key(after.settings), token) == ("acc_1", "maria@gmail.com")
    finally:
        before.engine.dispose()
        after.engine.dispose()


def test_a_configured_secret_key_wins_over_the_stored_one(db_url: str) -> None:
    heed = build(Settings(database_url=db_url, secret_key="configured"), migrate=True)
    try:
        assert heed.settings.secret_key == "configured"
    finally:
        heed.engine.dispose()


def test_every_worker_of_heed_serve_signs_with_the_secret_of_the_server_it_joins(
    db_url: str,
) -> None:
    """--workers N: a session or link signed by one worker is good in every other."""
    parent = build(Settings(database_url=db_url, secret_key=""), migrate=True)
    first = build_worker(Settings(database_url=db_url, secret_key=""))
    second = build_worker(Settings(database_url=db_url, secret_key=""))
    try:
        assert first.settings.secret_key == parent.settings.secret_key
        assert second.settings.secret_key == parent.settings.secret_key
        assert first.engine is not second.engine
        token = make_token(signing_key(first.settings), "acc_1", "maria@gmail.com")
        assert read_token(signing_key(second.settings), token) == ("acc_1", "maria@gmail.com")
    finally:
        for heed in (parent, first, second):
            heed.engine.dispose()
