"""Settings read from the environment (HEED_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AwareDatetime
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'heed.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HEED_", extra="ignore")

    database_url: str = ""
    public_url: str = "http://127.0.0.1:8000"
    # "log" records and prints each message; "twilio" hands it to Twilio's Messages API.
    transport: str = "log"
    twilio_account_sid: str = ""
    twilio_api_key: str = ""
    twilio_api_base: str = ""
    # "log" prints email too; "smtp" hands it to the relay below.
    email_transport: str = "log"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    email_from: str = "heed@localhost"
    # Signs staff sessions and CSRF tokens; a random one per process when unset.
    secret_key: str = ""
    # How often the server looks for deferred messages that have come due, in seconds.
    outbox_interval: float = 5.0
    # For tests only, honoured only when set: the moment (ISO 8601 with its offset) heed's
    # clock reads at start-up, running on from there, so a test can serve at a chosen hour.
    test_clock: AwareDatetime | None = None

    def resolved_database_url(self) -> str:
        return normalize_database_url(self.database_url or _default_database_url())


def normalize_database_url(url: str) -> str:
    """Let people write postgresql://… and still get the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
