"""heed import and heed export (R-32), run against the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import random_number
from typer.testing import CliRunner

from heed.bootstrap import Heed
from heed.entrypoints.cli import app
from heed.services import accounts, customers
from heed.services.common import Principal


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, db_url: str) -> CliRunner:
    monkeypatch.setenv("HEED_DATABASE_URL", db_url)
    return CliRunner()


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(["Customer Name,Cell,Email Address,Zip", *lines]) + "\n")
    return path


def test_heed_import_prints_a_summary_and_imports_the_rows(
    cli: CliRunner, heed: Heed, account: accounts.NewAccount, staff: Principal, tmp_path: Path
) -> None:
    number = random_number()
    path = _file(tmp_path, f"Cli Carla,{number},carla@acme-mail.com,78701", "Cli Bad,512-1,,")
    result = cli.invoke(app, ["import", "--account", account.account_id, str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 2 rows: 1 customers created" in result.stdout
    assert "row 3 mobile" in result.stdout
    (found,) = customers.list_customers(heed.uow, staff, q=number)["items"]
    assert found["name"] == "Cli Carla"


def test_heed_import_dry_run_json_writes_nothing(
    cli: CliRunner, heed: Heed, account: accounts.NewAccount, staff: Principal, tmp_path: Path
) -> None:
    number = random_number()
    path = _file(tmp_path, f"Cli Dry,{number},,")
    result = cli.invoke(
        app, ["import", "--account", account.account_id, str(path), "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["status"], report["dry_run"], report["created"]) == ("done", True, 1)
    assert customers.list_customers(heed.uow, staff, q=number)["items"] == []


def test_heed_import_refuses_an_unknown_account_and_a_failed_import_exits_2(
    cli: CliRunner, account: accounts.NewAccount, tmp_path: Path
) -> None:
    path = _file(tmp_path, "Nobody,,,")
    unknown = cli.invoke(app, ["import", "--account", "acc_nobody", str(path)])
    assert unknown.exit_code == 2
    assert "not_found" in unknown.output
    headless = tmp_path / "headless.csv"
    headless.write_text("colour\nblue\n")
    failed = cli.invoke(app, ["import", "--account", account.account_id, str(headless)])
    assert failed.exit_code == 2
    assert "failed" in failed.stdout


def test_heed_export_writes_the_import_columns_to_a_file(
    cli: CliRunner, account: accounts.NewAccount, tmp_path: Path
) -> None:
    number = random_number()
    cli.invoke(
        app, ["import", "--account", account.account_id, str(_file(tmp_path, f"Ex Ed,{number},,"))]
    )
    out = tmp_path / "out.csv"
    result = cli.invoke(app, ["export", "--account", account.account_id, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("external_id,customer_name,location_name,street")
    assert number in text
    printed = cli.invoke(app, ["export", "--account", account.account_id])
    assert printed.stdout == text


def test_on_a_terminal_the_import_reports_progress_through_a_rich_bar() -> None:
    from heed.entrypoints.cli import _progress

    with _progress(enabled=True) as advance:
        assert advance is not None
        advance(0, 1000)
        advance(500, 1000)
    with _progress(enabled=False) as nothing:
        assert nothing is None
