"""The settings model (pydantic): what settings.json holds, checked; read through core/config.py."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.config import (
    COORDINATOR_NAME_MAX,
    DEFAULT_BROKER,
    DEFAULT_FUND_ID,
    DEFAULT_RETENTION_DAYS,
)


class Settings(BaseModel):
    """What the coordinator or operator sets once; saved as settings.json in the data directory."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    broker_url: str = DEFAULT_BROKER  # without the password when one is kept in the keyring
    broker_user: str = ""
    # For a server without a keyring: a file holding the password (0600), read at start.
    broker_password_file: str = ""
    # amqps:// (core/tls.py): the CA that signed the broker's certificate, instead of the
    # system's CAs, and a client certificate with its key for a broker that asks for one.
    broker_ca_file: str = ""
    broker_cert_file: str = ""
    broker_key_file: str = ""
    fund_id: str = Field(
        default=DEFAULT_FUND_ID, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )
    default_policy: Literal["broadcast", "auto", "timed"] = "broadcast"
    default_offer_timeout_min: int = Field(default=30, ge=1, le=7 * 24 * 60)
    language: Literal["system", "en", "ru"] = "system"
    # How long the inbox ids, the rejected messages and the message log are kept. Longer than
    # any redelivery: see "Retention" in resources/CONTRACT.md.
    retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1, le=3650)
    # Who works at this console: recorded with every decision made here (the activity feed
    # shows it), and the name the fund's other consoles show while this one decides.
    # Trimmed; at most COORDINATOR_NAME_MAX characters (resources/CONTRACT.md); "" is not set.
    coordinator_name: str = Field(default="", max_length=COORDINATOR_NAME_MAX)

    @field_validator("coordinator_name", mode="before")
    @classmethod
    def _trim_name(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value
