"""The start-up commands of CONTRACT.md, run against the test database."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from integration_support import audit_rows, message_id, random_number
from sqlalchemy import text
from tamper_support import (
    delete_newest_entry,
    private_database,
    rewrite_newest_entry,
    set_current_consent,
)
from typer.testing import CliRunner, Result

from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.consent import stripe_of
from heed.entrypoints.cli import app
from heed.services import accounts, consent, customers
from heed.services.common import GRANTABLE, INBOUND, Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, db_url: str) -> CliRunner:
    monkeypatch.setenv("HEED_DATABASE_URL", db_url)
    return CliRunner()


def _create_account(cli: CliRunner, *args: str) -> dict[str, str]:
    result = cli.invoke(app, ["account", "create", "--name", "Acme Plumbing", *args, "--json"])
    assert result.exit_code == 0, result.output
    created: dict[str, str] = json.loads(result.stdout)
    return created


def test_account_create_prints_an_account_and_a_key_with_every_permission(
    cli: CliRunner, heed: Heed
) -> None:
    number = random_number("737")
    created = _create_account(cli, "--business-number", number)
    assert set(created) == {"account_id", "api_key"}
    principal = accounts.authenticate_api_key(heed.uow, created["api_key"])
    assert principal.account_id == created["account_id"]
    assert principal.permissions == frozenset(GRANTABLE)
    settings = accounts.get_account_settings(heed.uow, principal)
    assert (settings["name"], settings["business_numbers"]) == ("Acme Plumbing", [number])


def test_account_create_refuses_a_bad_business_number(cli: CliRunner) -> None:
    result = cli.invoke(
        app, ["account", "create", "--name", "X", "--business-number", "+44 20 7946 0958", "--json"]
    )
    assert result.exit_code == 2
    assert "international_number" in result.output


def test_key_create_prints_a_key_with_exactly_the_permissions_asked(
    cli: CliRunner, heed: Heed
) -> None:
    account_id = _create_account(cli)["account_id"]
    result = cli.invoke(
        app, ["key", "create", "--account", account_id, "--permissions", "customer:view", "--json"]
    )
    assert result.exit_code == 0, result.output
    principal = accounts.authenticate_api_key(heed.uow, json.loads(result.stdout)["api_key"])
    assert principal.account_id == account_id
    assert principal.permissions == frozenset({"customer:view"})

    bad = cli.invoke(
        app, ["key", "create", "--account", account_id, "--permissions", "root", "--json"]
    )
    assert bad.exit_code == 2
    assert "validation_error" in bad.output


def test_db_upgrade_is_idempotent(cli: CliRunner) -> None:
    for _ in range(2):
        result = cli.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "database is up to date" in result.stdout


def test_ledger_verify_says_intact_for_an_untouched_ledger(cli: CliRunner, heed: Heed) -> None:
    number = random_number("737")
    account_id = _create_account(cli, "--business-number", number)["account_id"]
    customer_number = random_number()
    for body in ("STOP", "START"):
        consent.record_inbound_sms(
            heed.uow,
            account_id,
            from_number=customer_number,
            to_number=number,
            body=body,
            message_id=message_id(),
        )
    assert (
        len(
            consent.ledger_events(
                heed.uow,
                accounts.authenticate_api_key(
                    heed.uow, accounts.create_api_key(heed.uow, account_id, ["consent:export"])
                ),
            )
        )
        == 2
    )
    result = cli.invoke(app, ["ledger", "verify", "--account", account_id])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ledger intact"


@pytest.fixture
def stopped_account(cli: CliRunner, heed: Heed) -> tuple[str, str]:
    """An account made by the CLI whose customer texted STOP, START, STOP (three entries)."""
    number = random_number("737")
    account_id = _create_account(cli, "--business-number", number)["account_id"]
    customer_number = random_number()
    for body in ("STOP", "START", "STOP"):
        consent.record_inbound_sms(
            heed.uow,
            account_id,
            from_number=customer_number,
            to_number=number,
            body=body,
            message_id=message_id(),
        )
    return account_id, customer_number


def _verify(cli: CliRunner, account_id: str, *args: str) -> Result:
    return cli.invoke(app, ["ledger", "verify", "--account", account_id, *args])


def test_ledger_verify_names_the_address_whose_current_consent_was_edited(
    cli: CliRunner, heed: Heed, stopped_account: tuple[str, str]
) -> None:
    account_id, customer_number = stopped_account
    assert _verify(cli, account_id).exit_code == 0
    set_current_consent(heed, account_id, customer_number, opted_out=False)
    result = _verify(cli, account_id)
    assert result.exit_code == 1
    assert "ledger intact" not in result.stdout
    assert f"current consent of {customer_number}, scope *, says not opted out" in result.stderr

    answer = json.loads(_verify(cli, account_id, "--json").stdout)
    assert answer["intact"] is False
    [report] = answer["accounts"]
    assert (report["account_id"], report["entries"]) == (account_id, 3)
    [problem] = report["problems"]
    assert (problem["kind"], problem["address"], problem["scope"]) == (
        "state",
        customer_number,
        "*",
    )


def test_ledger_verify_names_a_deleted_newest_entry(
    cli: CliRunner, heed: Heed, stopped_account: tuple[str, str]
) -> None:
    account_id, customer = stopped_account
    seq = delete_newest_entry(heed, account_id)
    result = _verify(cli, account_id)
    assert result.exit_code == 1
    stripe = stripe_of(customer)
    assert (
        f"stripe {stripe}: entry {seq} is missing: the stripe's head records entry {seq}"
        in result.stderr
    )


def test_ledger_verify_names_a_rewritten_newest_entry(
    cli: CliRunner, heed: Heed, stopped_account: tuple[str, str]
) -> None:
    account_id, customer = stopped_account
    seq = rewrite_newest_entry(heed, account_id, body="just checking", actor="staff:mallory")
    result = _verify(cli, account_id, "--json")
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)["accounts"]
    problems = [(p["kind"], p["seq"], p["stripe"]) for p in report["problems"]]
    assert problems == [("head", seq, stripe_of(customer))]


def test_ledger_verify_of_an_account_that_does_not_exist_is_an_error(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ledger", "verify", "--account", "acct_nobody"])
    assert result.exit_code == 2
    assert "no such account" in result.stderr.lower()
    assert "intact" not in result.output


def test_ledger_verify_without_an_account_checks_every_account(
    monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path
) -> None:
    with private_database(db_url, tmp_path, "verify_all") as url:
        monkeypatch.setenv("HEED_DATABASE_URL", url)
        cli = CliRunner()
        ids = [_create_account(cli, "--business-number", random_number("737")) for _ in "ab"]
        result = cli.invoke(app, ["ledger", "verify"])
        assert (result.exit_code, result.stdout.strip()) == (0, "ledger intact (2 accounts)")

        with open(os.devnull, "w") as quiet:
            own = build(Settings(database_url=url), transport=LogTransport(quiet))
        try:
            broken = ids[1]["account_id"]
            consent.record_opt_out_for_customer(
                own.uow, Principal(broken, "user:x", frozenset(GRANTABLE)), "ann@x.org"
            )
            with own.engine.begin() as connection:
                connection.execute(text("DELETE FROM consent_state"))
        finally:
            own.engine.dispose()
        result = cli.invoke(app, ["ledger", "verify", "--json"])
        assert result.exit_code == 1
        answer = json.loads(result.stdout)
        assert {a["account_id"]: a["intact"] for a in answer["accounts"]} == {
            ids[0]["account_id"]: True,
            broken: False,
        }


def test_key_create_gateway_prints_a_key_that_may_only_post_inbound_messages(
    cli: CliRunner, heed: Heed
) -> None:
    account_id = _create_account(cli)["account_id"]
    result = cli.invoke(app, ["key", "create", "--account", account_id, "--gateway", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["kind"] == "gateway"
    principal = accounts.authenticate_api_key(heed.uow, printed["api_key"])
    assert principal.is_gateway and principal.permissions == frozenset({INBOUND})
    assert principal.via == f"gateway_key:{printed['key_id']}"

    for refused in (
        ["--permissions", INBOUND],
        ["--permissions", "customer:view", "--gateway"],
        [],
    ):
        bad = cli.invoke(app, ["key", "create", "--account", account_id, *refused, "--json"])
        assert bad.exit_code == 2, refused
        assert "validation_error" in bad.output


def test_account_set_twilio_token_reads_the_token_from_stdin_and_audits_without_it(
    cli: CliRunner, heed: Heed
) -> None:
    account_id = _create_account(cli, "--twilio-auth-token", "first-token")["account_id"]
    result = cli.invoke(
        app, ["account", "set-twilio-token", "--account", account_id], input="second-token\n"
    )
    assert result.exit_code == 0, result.output
    assert "second-token" not in result.output
    cleared = cli.invoke(app, ["account", "set-twilio-token", "--account", account_id, "--clear"])
    assert cleared.exit_code == 0, cleared.output
    empty = cli.invoke(app, ["account", "set-twilio-token", "--account", account_id], input="\n")
    assert empty.exit_code == 2 and "validation_error" in empty.output
    unknown = cli.invoke(app, ["account", "set-twilio-token", "--account", "acc_x"], input="t\n")
    assert unknown.exit_code == 2 and "not_found" in unknown.output
    rows = audit_rows(heed, account_id, account_id)
    assert [(r.field, r.old, r.new) for r in rows] == [
        ("twilio_auth_token", None, "set"),
        ("twilio_auth_token", "set", "changed"),
        ("twilio_auth_token", "set", "removed"),
    ]
    assert all(r.actor.startswith("operator") for r in rows)
    assert not any("token" in f"{r.old} {r.new}" for r in rows)


def test_audit_prints_a_customers_changes_in_the_accounts_local_time_or_as_json(
    cli: CliRunner, heed: Heed
) -> None:
    created = _create_account(cli, "--business-number", random_number("512"))
    account_id = created["account_id"]
    staff = Principal(account_id, "user:ann@acme.example", frozenset(GRANTABLE))
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Lou Moss"}))
    customers.update_customer(
        heed.uow, staff, made["id"], CustomerChanges.parse({"do_not_mail": True})
    )

    table = cli.invoke(app, ["audit", "--account", account_id, "--customer", made["id"]])
    assert table.exit_code == 0, table.output
    header, newest, oldest = table.stdout.splitlines()
    assert header.split() == ["WHEN", "(America/Chicago)", "WHO", "RECORD", "CHANGE"]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T +ann@acme\.example", newest)
    assert newest.endswith("Do Not Mail: off → on")
    assert oldest.endswith("Customer added: Lou Moss")

    page = cli.invoke(
        app, ["audit", "--account", account_id, "--customer", made["id"], "--limit", "1", "--json"]
    )
    assert page.exit_code == 0, page.output
    answer = json.loads(page.stdout)
    assert answer["items"][0]["changes"] == {"do_not_mail": [False, True]}
    assert answer["items"][0]["actor"] == {"type": "user", "id": None, "label": "ann@acme.example"}
    assert answer["next_cursor"]

    elsewhere = cli.invoke(app, ["audit", "--account", "acc_nobody", "--customer", made["id"]])
    assert elsewhere.exit_code == 2
    assert "not_found" in elsewhere.output
    bad = cli.invoke(app, ["audit", "--account", account_id, "--cursor", "nonsense"])
    assert bad.exit_code == 2
    assert "cursor" in bad.output


def test_db_check_reads_the_database_s_own_settings_and_exits_1_unless_all_serve(
    cli: CliRunner, heed: Heed
) -> None:
    result = cli.invoke(app, ["db", "check"])

    lines = result.stdout.splitlines()
    if heed.engine.dialect.name == "sqlite":
        assert result.exit_code == 0, result.output
        assert lines == [
            "ok       sqlite = wal: SQLite in WAL mode with synchronous=FULL; nothing to tune."
        ]
        return
    with heed.engine.connect() as connection:
        autovacuum = connection.exec_driver_sql("SHOW autovacuum").scalar_one()
        connections = connection.exec_driver_sql("SHOW max_connections").scalar_one()
    assert any(f"autovacuum = {autovacuum}:" in line for line in lines)
    assert any(f"max_connections = {connections}:" in line for line in lines)
    everything_serves = all(line.startswith("ok ") for line in lines)
    assert result.exit_code == (0 if everything_serves else 1), result.output
