"""heed's command line (CONTRACT.md, "Start-up")."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from heed.adapters.crypto import SecretKeyError
from heed.bootstrap import Heed, build, freeze_start_up_heap
from heed.domain import nanpa
from heed.domain.errors import HeedError
from heed.entrypoints.workers import STARTUP_FAILURE, PortTaken, serve_workers
from heed.services import (
    accounts,
    audit_trail,
    csv_import,
    customer_export,
    database_check,
    display,
    ledger_check,
    staff,
)
from heed.services.common import PERMISSIONS, Principal, now

app = typer.Typer(
    help="heed: customer contact methods, preferences and SMS/email consent.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
account_app = typer.Typer(help="Accounts (one per business).", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
user_app = typer.Typer(help="Staff logins for the web UI.", no_args_is_help=True)
ledger_app = typer.Typer(help="The consent ledger.", no_args_is_help=True)
secrets_app = typer.Typer(help="Secrets stored sealed in the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(account_app, name="account")
app.add_typer(key_app, name="key")
app.add_typer(user_app, name="user")
app.add_typer(ledger_app, name="ledger")
app.add_typer(secrets_app, name="secrets")
areacodes_app = typer.Typer(help="heed's area-code table (from NANPA).", no_args_is_help=True)
app.add_typer(areacodes_app, name="areacodes")


@contextmanager
def _heed() -> Iterator[Heed]:
    """heed for one command: migrated, and its connections closed when the command ends."""
    heed = _build()
    try:
        yield heed
    finally:
        heed.engine.dispose()


@contextmanager
def _acting() -> Iterator[Heed]:
    """``_heed`` for a command that acts: a refusal is printed and the command exits 2."""
    try:
        with _heed() as heed:
            yield heed
    except HeedError as error:
        _fail(error)


def _build() -> Heed:
    """heed started, or the command stopped with the reason its key was refused."""
    try:
        return build(migrate=True)
    except SecretKeyError as error:
        typer.echo(f"error (secret_key): {error}", err=True)
        raise typer.Exit(2) from None


def _fail(error: HeedError) -> NoReturn:
    typer.echo(f"error ({error.code}): {error.message}", err=True)
    raise typer.Exit(2)


@areacodes_app.command("update")
def areacodes_update(
    report: Annotated[Path, typer.Argument(help="NANPA's npa_report.csv (NPA reports).")],
) -> None:
    """Regenerate the area-code table from a NANPA NPA report."""
    try:
        done = nanpa.update(report)
    except (OSError, nanpa.ReportError) as error:
        typer.echo(f"error (area_codes): {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"area codes from NANPA's report of {done.file_date}: {done.codes} codes, "
        f"{done.in_service} in service; wrote {done.module} and {done.report}"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database's schema up to date."""
    with _heed():
        typer.echo("database is up to date")


@db_app.command("check")
def db_check() -> None:
    """Say whether the database's settings serve heed (docs/SCALING.md); exit 1 if not."""
    with _heed() as heed:
        findings = database_check.check_database(heed.uow)
    for finding in findings:
        typer.echo(f"{finding.level:<8} {finding.name} = {finding.current}: {finding.sentence}")
    if any(finding.level != "ok" for finding in findings):
        raise typer.Exit(1)


def _say_what_the_database_lacks(heed: Heed) -> None:
    """At start-up, each setting that does not serve heed, on stderr (``heed db check``)."""
    for finding in database_check.check_database(heed.uow):
        if finding.level != "ok":
            typer.echo(
                f"heed db check: {finding.name} = {finding.current}: {finding.sentence}", err=True
            )


@account_app.command("create")
def account_create(
    name: Annotated[str, typer.Option(help="The business's name.")],
    business_number: Annotated[
        list[str] | None,
        typer.Option("--business-number", help="A number the business sends from (repeatable)."),
    ] = None,
    twilio_auth_token: Annotated[
        str | None,
        typer.Option(
            help="Auth token that signs this business's Twilio webhooks "
            "(account set-twilio-token keeps it off the command line)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an account and an API key with every staff permission (posting inbound
    messages needs a gateway key: key create --gateway)."""
    with _acting() as heed:
        created = accounts.create_account(
            heed.uow, name, business_number or [], twilio_auth_token, operator=_operator()
        )
    if as_json:
        typer.echo(json.dumps({"account_id": created.account_id, "api_key": created.api_key}))
    else:
        typer.echo(f"account {created.account_id}\napi key {created.api_key}")


@account_app.command("set-twilio-token")
def account_set_twilio_token(
    account: Annotated[str, typer.Option(help="The account's id.")],
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the token: no webhook verifies then.")
    ] = False,
) -> None:
    """Set the auth token that signs this business's Twilio webhooks, read from standard
    input (or asked for, unechoed, on a terminal), so it never shows in the process list
    or the shell's history. Audited as a change, never with the value."""
    token: str | None = None
    if not clear:
        if sys.stdin.isatty():
            token = typer.prompt("Twilio auth token", hide_input=True)
        else:
            token = sys.stdin.read().strip()
    with _acting() as heed:
        changed = accounts.set_twilio_auth_token(heed.uow, account, token, operator=_operator())
    if not changed:
        typer.echo("Twilio auth token unchanged")
    else:
        typer.echo("Twilio auth token removed" if clear else "Twilio auth token set")


def _operator() -> str:
    """Who runs the command, as the audit trail names them."""
    try:
        return f"{accounts.OPERATOR}:{getpass.getuser()}"
    except (OSError, KeyError):
        return accounts.OPERATOR


@key_app.command("create")
def key_create(
    account: Annotated[str, typer.Option(help="The account's id.")],
    permissions: Annotated[
        str | None, typer.Option(help="Comma-separated permissions (not with --gateway).")
    ] = None,
    gateway: Annotated[
        bool,
        typer.Option(
            "--gateway",
            help="A key for an SMS or email gateway: it may post /v1/inbound/sms and "
            "/v1/inbound/email and nothing else, and no other key may post them.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an API key with the given permissions, or a gateway key."""
    if gateway == (permissions is not None):
        typer.echo("error (validation_error): give either --permissions or --gateway.", err=True)
        raise typer.Exit(2)
    with _acting() as heed:
        if gateway:
            made = accounts.create_gateway_key(heed.uow, account)
            raw = made.api_key
            printed = {"api_key": raw, "key_id": made.key_id, "kind": "gateway"}
        else:
            assert permissions is not None
            raw = accounts.create_api_key(
                heed.uow, account, [p.strip() for p in permissions.split(",") if p.strip()]
            )
            printed = {"api_key": raw}
    typer.echo(json.dumps(printed) if as_json else raw)


@user_app.command("create")
def user_create(
    account: Annotated[str, typer.Option(help="The account's id.")],
    email: Annotated[str, typer.Option(help="The login email.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
    role: Annotated[str, typer.Option(help="admin, office or viewer.")] = "office",
    name: Annotated[
        str | None,
        typer.Option(help="The staff member's name, shown for what they do (else the email)."),
    ] = None,
) -> None:
    """Create a staff login for the web UI."""
    with _acting() as heed:
        accounts.create_user(heed.uow, account, email, password, role, name)
    typer.echo(f"staff login {email} ({role}) created")


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="The login email.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
) -> None:
    """Give a staff login a new password; every place it is signed in is signed out."""
    with _acting() as heed:
        staff.set_password(heed.uow, email, password)
    typer.echo(f"new password set for {email}; its sessions are ended")


@user_app.command("remove")
def user_remove(email: Annotated[str, typer.Option(help="The login email.")]) -> None:
    """Remove a staff login; every place it is signed in is signed out."""
    with _acting() as heed:
        staff.remove_user(heed.uow, email)
    typer.echo(f"staff login {email} removed")


@ledger_app.command("verify")
def ledger_verify(
    account: Annotated[
        str | None, typer.Option(help="The account's id; every account when left out.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the consent ledger: its hash chain, the account's recorded head and that
    current consent is the ledger's fold. Exits 1 naming each problem found."""
    with _acting() as heed:
        reports = ledger_check.check_ledgers(
            heed.uow, None if account is None else [account], now=now()
        )
    intact = all(report.intact for report in reports)
    if as_json:
        typer.echo(
            json.dumps({"intact": intact, "accounts": [report.as_dict() for report in reports]})
        )
    elif intact:
        typer.echo("ledger intact" if account else f"ledger intact ({len(reports)} accounts)")
    else:
        for report in reports:
            for problem in report.problems:
                typer.echo(
                    f"ledger broken (account {report.account_id}): {problem.reason}", err=True
                )
    if not intact:
        raise typer.Exit(1)


@app.command("audit")
def audit(
    account: Annotated[str, typer.Option(help="The account's id.")],
    customer: Annotated[
        str | None, typer.Option(help="A customer's id: its locations and contacts too.")
    ] = None,
    location: Annotated[str | None, typer.Option(help="A location's id: its contacts too.")] = None,
    contact: Annotated[str | None, typer.Option(help="A contact's id.")] = None,
    limit: Annotated[int, typer.Option(help="How many changes, newest first.")] = 50,
    cursor: Annotated[
        str | None, typer.Option(help="next_cursor of the page before (from --json).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, as the API answers.")
    ] = False,
) -> None:
    """Who changed what, when, old → new (R-23, R-33): a record's history, or the account's,
    newest first, times in the account's local time."""
    reader = Principal(account, _operator(), frozenset({"customer:view"}))
    with _acting() as heed:
        query = audit_trail.AuditQuery.parse(
            customer_id=customer,
            location_id=location,
            contact_id=contact,
            limit=limit,
            cursor=cursor,
        )
        page = audit_trail.audit_trail(heed.uow, reader, query)
    if as_json:
        typer.echo(json.dumps(page.as_dict()))
        return
    for line in _audit_table(page):
        typer.echo(line)


def _audit_table(page: audit_trail.AuditPage) -> list[str]:
    """The page as aligned columns: when (account's local time), who, what, the change."""
    if not page.items:
        return ["no changes recorded"]
    rows = [(f"WHEN ({page.zone})", "WHO", "RECORD", "CHANGE")]
    for item in page.items:
        when = display.local_time(datetime.fromisoformat(item["at"]), page.zone)
        target = f"{item['target']['type']} {item['target']['id']}"
        rows += [(when, item["actor"]["label"], target, c) for c in display.change_lines(item)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join([*(r[i].ljust(widths[i]) for i in range(3)), r[3]]) for r in rows]
    if page.next_cursor:
        lines.append(f"older changes: --cursor {page.next_cursor}")
    return lines


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Seal every stored secret with a new key, in one transaction.

    With a key file: a new key is made and written ahead of the old one, every
    secret is sealed again with it, then the old key is dropped from the file.
    With HEED_SECRET_KEY: set it to the new key and HEED_OLD_SECRET_KEYS to the
    old one, run this, then remove HEED_OLD_SECRET_KEYS.
    """
    from heed.adapters.db.keys import rotate

    with _heed() as heed:
        try:
            rotated = rotate(heed.engine)
        except SecretKeyError as error:
            typer.echo(f"error (secret_key): {error}", err=True)
            raise typer.Exit(2) from None
    where = f"the key file {rotated.key_file}" if rotated.key_file else "HEED_SECRET_KEY"
    typer.echo(f"{rotated.count} secrets sealed again with the new key ({where})")


def _account_principal(heed: Heed, account: str) -> Principal:
    """The operator acting in ``account`` with every staff permission; refuses an unknown id."""
    principal = Principal(account, _operator(), frozenset(PERMISSIONS))
    accounts.get_account_settings(heed.uow, principal)
    return principal


@app.command("import")
def import_csv(
    file: Annotated[Path, typer.Argument(help="The CSV file (docs/IMPORT.md has the columns).")],
    account: Annotated[str, typer.Option(help="The account's id.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import customers, locations and contacts from a CSV file (R-32). Exits 2 if the
    import failed; rows not imported are listed and do not stop the others."""
    if not file.is_file():
        typer.echo(f"error (validation_error): {file} is not a file.", err=True)
        raise typer.Exit(2)
    with _acting() as heed:
        principal = _account_principal(heed, account)
        command = csv_import.StartImport(filename=file.name, dry_run=dry_run)
        job = csv_import.start_import(heed.uow, principal, command)
        with _progress(enabled=not as_json and sys.stdout.isatty()) as on_progress:
            run = csv_import.RunImport(job["id"], file, on_progress)
            report = csv_import.run_import(heed.uow, principal, run)
    typer.echo(json.dumps(report) if as_json else _summary(report))
    if report["status"] == "failed":
        raise typer.Exit(2)


@contextmanager
def _progress(*, enabled: bool) -> Iterator[csv_import.Progress | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("importing", total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _summary(report: dict[str, Any]) -> str:
    verb = "would import" if report["dry_run"] else "imported"
    lines = [
        f"{report['status']}: {verb} {report['rows']} rows: {report['created']} customers "
        f"created, {report['updated']} updated, {report['flagged_count']} values flagged, "
        f"{report['error_count']} rows not imported (import {report['id']})"
    ]
    if report["message"]:
        lines.append(report["message"])
    if report["unknown_columns"]:
        lines.append("columns not read: " + ", ".join(report["unknown_columns"]))
    lines += [
        f"  row {f['row']} {f['field']} {f['value']!r}: flagged ({f['reason']})"
        for f in report["flagged"][:20]
    ]
    lines += [f"  row {e['row']} {e['field']}: {e['message']}" for e in report["errors"][:20]]
    return "\n".join(lines)


@app.command("export")
def export_csv(
    account: Annotated[str, typer.Option(help="The account's id.")],
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Export every customer, location and contact in the import's columns (R-32)."""
    with _acting() as heed:
        principal = _account_principal(heed, account)
        pages = customer_export.export_customers(heed.uow, principal)
        if out is None:
            for page in pages:
                sys.stdout.write(page)
            return
        with out.open("w", newline="", encoding="utf-8") as target:
            target.writelines(pages)
    typer.echo(f"customers written to {out}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the port, each with its own connections and "
            "outbox (PostgreSQL only).",
        ),
    ] = 1,
) -> None:
    """Migrate the database if needed and serve the API and the staff UI."""
    if workers == 1:
        _serve(host, port)
    else:
        _serve_workers(host, port, workers)


def _serve(host: str, port: int, banner: str | None = None) -> None:
    import uvicorn

    from heed.entrypoints.api.app import create_app

    heed = _build()
    _say_what_the_database_lacks(heed)
    application = create_app(heed)
    if banner:
        typer.echo(banner)
    freeze_start_up_heap()
    uvicorn.run(application, host=host, port=port, log_level="warning")


def _serve_workers(host: str, port: int, workers: int) -> None:
    """``workers`` heed processes on one port and one PostgreSQL database."""
    from heed.config import Settings

    if Settings().resolved_database_url().startswith("sqlite"):
        typer.echo(
            f"error (workers): --workers {workers} needs PostgreSQL: a SQLite database is "
            "served by one process, because every write takes the one lock on its file "
            "and more processes would only wait on each other; serve it without --workers, "
            "or set HEED_DATABASE_URL to a PostgreSQL database.",
            err=True,
        )
        raise typer.Exit(2)
    # Migrated and its key checked once, here; then this process keeps no connection:
    # each worker is a fresh interpreter (uvicorn spawns them) that opens its own.
    heed = _build()
    _say_what_the_database_lacks(heed)
    heed.engine.dispose()
    try:
        served = serve_workers("heed.entrypoints.api.app:worker_app", host, port, workers)
    except PortTaken as taken:
        typer.echo(f"error (serve): {taken}", err=True)
        raise typer.Exit(1) from taken
    if not served:
        typer.echo(
            "error (workers): the server's worker processes could not start and it "
            "stopped; the lines above say why.",
            err=True,
        )
        raise typer.Exit(STARTUP_FAILURE)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Create a demo business with realistic customers, then serve it."""
    from heed.demo import seed

    heed = _build()
    made = seed(heed)
    url = f"http://{host}:{port}"
    _serve(
        host,
        port,
        banner=(
            f"heed demo at {url}/\n"
            f"  staff login: {made.email} / {made.password}\n"
            f"  API key:     {made.api_key}\n"
            f"  try: curl -H 'Authorization: Bearer {made.api_key}' {url}/v1/customers"
        ),
    )


def main() -> None:
    app()
