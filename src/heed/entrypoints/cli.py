"""heed's command line (CONTRACT.md, "Start-up")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from heed.bootstrap import Heed, build
from heed.domain.errors import HeedError
from heed.services import accounts, staff
from heed.services import consent as consent_service

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
app.add_typer(db_app, name="db")
app.add_typer(account_app, name="account")
app.add_typer(key_app, name="key")
app.add_typer(user_app, name="user")
app.add_typer(ledger_app, name="ledger")


@contextmanager
def _heed() -> Iterator[Heed]:
    """heed for one command: migrated, and its connections closed when the command ends."""
    heed = build(migrate=True)
    try:
        yield heed
    finally:
        heed.engine.dispose()


def _fail(error: HeedError) -> None:
    typer.echo(f"error ({error.code}): {error.message}", err=True)
    raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database's schema up to date."""
    with _heed():
        typer.echo("database is up to date")


@account_app.command("create")
def account_create(
    name: Annotated[str, typer.Option(help="The business's name.")],
    business_number: Annotated[
        list[str] | None,
        typer.Option("--business-number", help="A number the business sends from (repeatable)."),
    ] = None,
    twilio_auth_token: Annotated[
        str | None, typer.Option(help="Auth token that signs this business's Twilio webhooks.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an account and an API key with every permission."""
    try:
        with _heed() as heed:
            created = accounts.create_account(
                heed.uow, name, business_number or [], twilio_auth_token
            )
    except HeedError as error:
        _fail(error)
        return
    if as_json:
        typer.echo(json.dumps({"account_id": created.account_id, "api_key": created.api_key}))
    else:
        typer.echo(f"account {created.account_id}\napi key {created.api_key}")


@key_app.command("create")
def key_create(
    account: Annotated[str, typer.Option(help="The account's id.")],
    permissions: Annotated[str, typer.Option(help="Comma-separated permissions.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an API key with the given permissions."""
    try:
        with _heed() as heed:
            raw = accounts.create_api_key(
                heed.uow, account, [p.strip() for p in permissions.split(",") if p.strip()]
            )
    except HeedError as error:
        _fail(error)
        return
    typer.echo(json.dumps({"api_key": raw}) if as_json else raw)


@user_app.command("create")
def user_create(
    account: Annotated[str, typer.Option(help="The account's id.")],
    email: Annotated[str, typer.Option(help="The login email.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
    role: Annotated[str, typer.Option(help="admin, office or viewer.")] = "office",
) -> None:
    """Create a staff login for the web UI."""
    try:
        with _heed() as heed:
            accounts.create_user(heed.uow, account, email, password, role)
    except HeedError as error:
        _fail(error)
        return
    typer.echo(f"staff login {email} ({role}) created")


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="The login email.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
) -> None:
    """Give a staff login a new password; every place it is signed in is signed out."""
    try:
        with _heed() as heed:
            staff.set_password(heed.uow, email, password)
    except HeedError as error:
        _fail(error)
        return
    typer.echo(f"new password set for {email}; its sessions are ended")


@user_app.command("remove")
def user_remove(email: Annotated[str, typer.Option(help="The login email.")]) -> None:
    """Remove a staff login; every place it is signed in is signed out."""
    try:
        with _heed() as heed:
            staff.remove_user(heed.uow, email)
    except HeedError as error:
        _fail(error)
        return
    typer.echo(f"staff login {email} removed")


@ledger_app.command("verify")
def ledger_verify(account: Annotated[str, typer.Option(help="The account's id.")]) -> None:
    """Walk the account's consent ledger and name the first broken link, if any."""
    with _heed() as heed:
        broken = consent_service.verify_ledger(heed.uow, account)
    if broken is None:
        typer.echo("ledger intact")
        return
    typer.echo(f"ledger broken at entry {broken.seq}: {broken.reason}", err=True)
    raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Migrate the database if needed and serve the API and the staff UI."""
    _serve(host, port)


def _serve(host: str, port: int, banner: str | None = None) -> None:
    import uvicorn

    from heed.entrypoints.api.app import create_app

    heed = build(migrate=True)
    application = create_app(heed)
    if banner:
        typer.echo(banner)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Create a demo business with realistic customers, then serve it."""
    from heed.demo import seed

    heed = build(migrate=True)
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
