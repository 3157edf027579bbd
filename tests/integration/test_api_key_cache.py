"""The API-key cache: a valid key is looked up once per few seconds, never an unknown one,
and the cache stays small however many keys there are."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.errors import Unauthorized
from heed.services import api_keys
from heed.services.accounts import NewAccount


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    api_keys.forget_api_keys()
    yield
    api_keys.forget_api_keys()


def _delete_keys(heed: Heed, account_id: str) -> None:
    with heed.engine.begin() as connection:
        connection.execute(delete(t.ApiKey).where(t.ApiKey.account_id == account_id))


def test_a_deleted_key_works_until_the_cache_forgets_it(heed: Heed, account: NewAccount) -> None:
    before = api_keys.authenticate_api_key(heed.uow, account.api_key)
    _delete_keys(heed, account.account_id)
    assert api_keys.authenticate_api_key(heed.uow, account.api_key) == before
    api_keys.forget_api_keys()
    with pytest.raises(Unauthorized):
        api_keys.authenticate_api_key(heed.uow, account.api_key)


def test_a_remembered_key_is_read_again_once_its_time_is_up(
    heed: Heed, account: NewAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_keys.authenticate_api_key(heed.uow, account.api_key)
    _delete_keys(heed, account.account_id)
    later = time.monotonic() + api_keys.API_KEY_CACHE_SECONDS + 1
    monkeypatch.setattr("heed.services.api_keys.time.monotonic", lambda: later)
    with pytest.raises(Unauthorized):
        api_keys.authenticate_api_key(heed.uow, account.api_key)


def test_an_unknown_key_is_never_remembered(heed: Heed, account: NewAccount) -> None:
    with pytest.raises(Unauthorized):
        api_keys.authenticate_api_key(heed.uow, "heed_not-a-key")
    assert not api_keys._key_cache


def test_the_cache_keeps_only_the_most_recent_keys(
    heed: Heed, account: NewAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_keys, "API_KEY_CACHE_SIZE", 2)
    keys = [api_keys.create_api_key(heed.uow, account.account_id, ["customer:view"]) for _ in "abc"]
    for raw in keys:
        api_keys.authenticate_api_key(heed.uow, raw)
    assert len(api_keys._key_cache) == 2
    remembered = {key_hash for _, key_hash in api_keys._key_cache}
    assert remembered == {api_keys.hash_api_key(raw) for raw in keys[1:]}
