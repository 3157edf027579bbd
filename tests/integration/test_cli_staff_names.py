"""``heed user create --name``: a staff login with a name, which ``heed audit`` shows
for what they did; a name too long is refused naming the field (issue 16)."""

from __future__ import annotations

import json

import pytest
from integration_support import random_number
from typer.testing import CliRunner

from heed.bootstrap import Heed
from heed.entrypoints.cli import app
from heed.services import customers
from heed.services.common import GRANTABLE, Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput
from unique_values import unique_email


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, db_url: str) -> CliRunner:
    monkeypatch.setenv("HEED_DATABASE_URL", db_url)
    return CliRunner()


def _account(cli: CliRunner) -> str:
    made = cli.invoke(
        app,
        [
            "account",
            "create",
            "--name",
            "Acme",
            "--business-number",
            random_number("512"),
            "--json",
        ],
    )
    assert made.exit_code == 0, made.output
    account_id: str = json.loads(made.stdout)["account_id"]
    return account_id


def _user(cli: CliRunner, account_id: str, email: str, *args: str) -> tuple[int, str]:
    command = ["user", "create", "--account", account_id, "--email", email]
    result = cli.invoke(app, [*command, "--password", "a-long-password", *args])
    return result.exit_code, result.output


def test_user_create_with_a_name_makes_heed_audit_show_the_name_and_without_one_the_email(
    cli: CliRunner, heed: Heed
) -> None:
    account_id = _account(cli)
    named, unnamed = unique_email("ann", "acme.example"), unique_email("bo", "acme.example")
    assert _user(cli, account_id, named, "--name", "Ann Ortega")[0] == 0
    assert _user(cli, account_id, unnamed)[0] == 0
    made = {}
    for email in (named, unnamed):
        staff = Principal(account_id, f"user:{email}", frozenset(GRANTABLE))
        made[email] = customers.create_customer(
            heed.uow, staff, CustomerInput.parse({"name": "Lou Moss"})
        )
        customers.update_customer(
            heed.uow, staff, made[email]["id"], CustomerChanges.parse({"do_not_mail": True})
        )

    table = cli.invoke(app, ["audit", "--account", account_id, "--customer", made[named]["id"]])
    assert table.exit_code == 0, table.output
    assert "Ann Ortega" in table.stdout.splitlines()[1]
    assert named not in table.stdout
    answer = cli.invoke(
        app, ["audit", "--account", account_id, "--customer", made[unnamed]["id"], "--json"]
    )
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout)["items"][0]["actor"]["label"] == unnamed


def test_user_create_refuses_a_name_too_long_naming_the_field(cli: CliRunner) -> None:
    account_id = _account(cli)

    code, output = _user(cli, account_id, unique_email("cy", "acme.example"), "--name", "A" * 101)

    assert code == 2
    assert "name must be at most 100 characters" in output
