"""The limits on sign-in attempts: the per-client throttle and the turns at hashing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from heed.entrypoints.web.hashing import HashingGate
from heed.services.staff import ClientThrottle, LoginBusy, LoginThrottled

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_a_client_past_its_limit_is_refused_until_its_window_moves_on() -> None:
    throttle = ClientThrottle(limit=3, window=timedelta(minutes=5))
    for second in range(3):
        throttle.admit("203.0.113.9", NOW + timedelta(seconds=second))
    with pytest.raises(LoginThrottled) as refused:
        throttle.admit("203.0.113.9", NOW + timedelta(seconds=10))
    assert refused.value.details["retry_after"] == 291
    throttle.admit("198.51.100.4", NOW + timedelta(seconds=10))
    throttle.admit("203.0.113.9", NOW + timedelta(minutes=5, seconds=1))


def test_a_successful_sign_in_gives_its_attempt_back() -> None:
    throttle = ClientThrottle(limit=2, window=timedelta(minutes=5))
    throttle.admit("203.0.113.9", NOW)
    throttle.admit("203.0.113.9", NOW)
    throttle.forgive("203.0.113.9")
    throttle.admit("203.0.113.9", NOW)
    with pytest.raises(LoginThrottled):
        throttle.admit("203.0.113.9", NOW)


def test_the_gate_lets_its_size_in_queues_a_few_and_turns_the_rest_away() -> None:
    gate = HashingGate(size=1, queue=1, wait=5.0)
    order: list[str] = []

    async def hold(name: str, release: asyncio.Event) -> None:
        async with gate.turn():
            order.append(name)
            await release.wait()

    async def scenario() -> None:
        first, second = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(hold("first", first))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(hold("second", second))
        await asyncio.sleep(0)
        with pytest.raises(LoginBusy):
            async with gate.turn():
                order.append("third")
        first.set()
        second.set()
        await asyncio.gather(holder, waiter)
        async with gate.turn():
            order.append("fourth")

    asyncio.run(scenario())
    assert order == ["first", "second", "fourth"]


def test_a_sign_in_that_waits_too_long_is_told_to_retry_and_frees_its_place() -> None:
    gate = HashingGate(size=1, queue=1, wait=0.05)

    async def scenario() -> None:
        release = asyncio.Event()

        async def hold() -> None:
            async with gate.turn():
                await release.wait()

        holder = asyncio.create_task(hold())
        await asyncio.sleep(0)
        with pytest.raises(LoginBusy):
            async with gate.turn():
                pass
        release.set()
        await holder
        async with gate.turn():
            pass

    asyncio.run(scenario())
