"""Settings read from the environment (HEED_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AwareDatetime
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'heed.sqlite3'}"


def default_key_file(database_url: str) -> Path:
    """Beside a SQLite database (``heed.sqlite3.key``), else ``heed.key`` in the working folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database + ".key")
    return Path.cwd() / "heed.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HEED_", extra="ignore")

    database_url: str = ""
    public_url: str = "http://127.0.0.1:8000"
    # "log" records and prints each message; "twilio" hands it to Twilio's Messages API.
    transport: str = "log"
    twilio_account_sid: str = ""
    twilio_api_key: str = ""
    twilio_api_base: str = ""
    # Checks Twilio's webhook signatures for accounts that have no auth token of their
    # own (one Twilio account serving the installation); only the operator sets it.
    twilio_auth_token: str = ""
    # "log" prints email too; "smtp" hands it to the relay below.
    email_transport: str = "log"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    email_from: str = "heed@localhost"
    # Signs staff sessions and CSRF tokens; a random one per process when unset.
    # Also the source of the key that seals stored secrets (adapters/crypto.py).
    secret_key: str = ""
    # Keys replaced by a rotation, still accepted for reading: comma-separated.
    old_secret_keys: str = ""
    # Where the sealing key is kept when HEED_SECRET_KEY is unset; made at first start.
    key_file: str = ""
    # Serve /docs and /openapi.json to anyone; otherwise only to staff and API keys.
    public_docs: bool = False
    # How often the server looks for deferred messages that have come due, in seconds.
    outbox_interval: float = 5.0
    # A claimed message belongs to its process for this many seconds; past it, the
    # process is taken for dead and another one retries the message. Longer than any
    # transport's timeout (10 s), so a slow provider is not mistaken for a dead process.
    outbox_lease: float = 60.0
    # Attempts per message before it is failed for good (logged at ERROR).
    outbox_max_attempts: int = 5
    # The wait before the first retry, in seconds; it doubles per attempt, with jitter,
    # up to outbox_backoff_max.
    outbox_backoff: float = 30.0
    outbox_backoff_max: float = 3600.0
    # Seconds after start-up before the first consent ledger check, so start-up and
    # the first requests do not share the processor with it.
    ledger_check_delay: float = 10.0
    # For tests only, honoured only when set: the moment (ISO 8601 with its offset) heed's
    # clock reads at start-up, running on from there, so a test can serve at a chosen hour.
    test_clock: AwareDatetime | None = None

    def resolved_database_url(self) -> str:
        return normalize_database_url(self.database_url or _default_database_url())

    def resolved_key_file(self) -> Path:
        if self.key_file:
            return Path(self.key_file)
        return default_key_file(self.resolved_database_url())


def normalize_database_url(url: str) -> str:
    """Let people write postgresql://… and still get the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
