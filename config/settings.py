"""Deployment settings, read from BOT_* environment variables and an optional .env file."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Every setting is a public interface: the README documents each BOT_* name."""

    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./data/antt-bot.db"
    auto_migrate: bool = True
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    public_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    admin_telegram_ids: Annotated[list[int], NoDecode] = []
    default_language: Literal["vi", "en"] = "vi"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # the 2025 two-level police; units/tan-yen.yaml is the seed-era directory (history, example)
    units_file: Path = CONFIG_DIR / "units" / "bac-ninh-2025.yaml"
    bulletins_dir: Path = CONFIG_DIR / "bulletins"
    # --- tip line ---
    secret_key: SecretStr | None = None        # seals tipster links; not stored in the database
    secret_key_file: Path = Path("data/secret.key")   # generated for a quick start without one
    telegram_bot_username: str | None = None   # for invite deep links printed by the CLI
    tip_link_retention_days: int = Field(default=30, ge=0, le=3650)
    tip_content_retention_days: int = Field(default=730, ge=1, le=36500)
    tip_escalation_minutes: int = Field(default=120, ge=1, le=10080)
    # A unit's tip cards a minute; the next tip brings one digest, the rest wait in /tinbao.
    tip_cards_per_minute: int = Field(default=6, ge=1, le=600)
    tips_per_hour: int = Field(default=3, ge=1, le=100)
    tips_per_day: int = Field(default=10, ge=1, le=1000)
    code_lookups_per_hour: int = Field(default=10, ge=1, le=1000)
    invite_days: int = Field(default=7, ge=1, le=365)
    # --- broadcasts ---
    # Telegram's limit for one bot across chats: bulletins, notifications and replies share it
    telegram_account_rate: float = Field(default=30.0, gt=0, le=1000)
    broadcast_rate: float = Field(default=25.0, gt=0, le=1000)   # bulletins' share of it, msg/s
    broadcast_allow_paid: bool = False          # pass allow_paid_broadcast on urgent bulletins
    broadcast_concurrency: int = Field(default=8, ge=1, le=64)   # sends in flight at once
    broadcast_tick: float = Field(default=2.0, gt=0, le=60)      # seconds between schedule checks
    broadcast_status_every: float = Field(default=3.0, gt=0, le=60)  # status message refresh
    broadcast_lease: float = Field(default=15.0, ge=1, le=300)   # takeover after a drain dies
    # --- statistics ---
    # Monthly digest on the 1st at 07:00 (Vietnam): "off", "command" (every command member on
    # Telegram) or "telegram:CHAT_ID[,telegram:CHAT_ID...]" (e.g. the command's group).
    report_digest: str = "off"
    files_dir: Path = Path("data/files")     # where `python -m bot chat` saves report files

    @field_validator("report_digest")
    @classmethod
    def _digest_targets(cls, value: str) -> str:
        value = value.strip()
        targets = [t.strip() for t in value.split(",") if t.strip()]
        if value in ("off", "command") or (targets and all(
                re.fullmatch(r"telegram:-?\d{1,20}", t) for t in targets)):
            return value
        raise ValueError('use "off", "command" or "telegram:CHAT_ID[,telegram:CHAT_ID...]"')

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("telegram_api_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + value[len("sqlite:///"):]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs(self) -> Settings:
        if self.telegram_mode == "webhook" and self.telegram_token is not None:
            if not self.public_url:
                raise ValueError("BOT_PUBLIC_URL is required when BOT_TELEGRAM_MODE=webhook")
            if self.telegram_webhook_secret is None:
                raise ValueError(
                    "BOT_TELEGRAM_WEBHOOK_SECRET is required when BOT_TELEGRAM_MODE=webhook")
        return self

    # ---- Zalo (issue 6) --------------------------------------------------------------------
    # Each product starts only when its settings are present; half a product stops start-up.
    # Zalo Official Account (OA) Open API:
    zalo_oa_app_id: str | None = None
    zalo_oa_app_secret: SecretStr | None = None       # OAuth v4 `secret_key` header
    zalo_oa_secret_key: SecretStr | None = None       # OA Secret Key: webhook signatures
    zalo_oa_access_token: SecretStr | None = None     # optional: a refresh gets one
    zalo_oa_refresh_token: SecretStr | None = None    # single-use; the database keeps the latest
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    # Zalo Bot Platform:
    zalo_bot_token: SecretStr | None = None
    zalo_bot_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_bot_webhook_secret: SecretStr | None = None
    zalo_bot_mode: Literal["polling", "webhook"] = "polling"
    # Pace and windows (Zalo changes them: settings, not constants):
    zalo_rate: float = Field(default=20.0, gt=0, le=1000)     # messages/second per product
    zalo_free_window_hours: float = Field(default=48.0, gt=0)    # free consultation messages
    zalo_reply_window_hours: float = Field(default=168.0, gt=0)  # billed after free, then refused
    zalo_signature_max_age: int = Field(default=300, ge=10, le=3600)  # seconds, webhook replays
    # Tipsters' photos and files arrive as CDN links that expire: the bot downloads them from
    # these hosts (and their subdomains) only; empty keeps links without downloading.
    zalo_media_hosts: str = "zadn.vn,zdn.vn,zalo.me,zaloapp.com"

    @property
    def zalo_media_host_set(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.zalo_media_hosts.split(",") if h.strip())

    @field_validator("zalo_oa_api_url", "zalo_oauth_url", "zalo_bot_api_url")
    @classmethod
    def _zalo_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # The token is part of every request path: no slashes, spaces or query characters.
        if value is not None and not re.match(r"^[A-Za-z0-9:_-]{8,256}$",
                                              value.get_secret_value()):
            raise ValueError("must be the token from the Zalo Bot Creator (letters, digits, :_-)")
        return value

    @field_validator("zalo_bot_webhook_secret")
    @classmethod
    def _zalo_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(r"^[A-Za-z0-9_-]{8,256}$",
                                              value.get_secret_value()):
            raise ValueError("must be 8-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _zalo_complete(self) -> Settings:
        oa = {"BOT_ZALO_OA_APP_ID": self.zalo_oa_app_id,
              "BOT_ZALO_OA_APP_SECRET": self.zalo_oa_app_secret,
              "BOT_ZALO_OA_SECRET_KEY": self.zalo_oa_secret_key,
              "BOT_ZALO_OA_REFRESH_TOKEN": self.zalo_oa_refresh_token}
        given = [name for name, value in oa.items() if value]
        if self.zalo_oa_access_token and not given:
            given = ["BOT_ZALO_OA_ACCESS_TOKEN"]
        missing = [name for name, value in oa.items() if not value]
        if given and missing:
            raise ValueError(f"{missing[0]} is required when {given[0]} is set")
        if self.zalo_bot_token is not None and self.zalo_bot_mode == "webhook":
            if not self.public_url:
                raise ValueError("BOT_PUBLIC_URL is required when BOT_ZALO_BOT_MODE=webhook")
            if self.zalo_bot_webhook_secret is None:
                raise ValueError(
                    "BOT_ZALO_BOT_WEBHOOK_SECRET is required when BOT_ZALO_BOT_MODE=webhook")
        if self.zalo_reply_window_hours < self.zalo_free_window_hours:
            raise ValueError("BOT_ZALO_REPLY_WINDOW_HOURS must not be shorter than "
                             "BOT_ZALO_FREE_WINDOW_HOURS")
        return self

    @property
    def zalo_oa_enabled(self) -> bool:
        return self.zalo_oa_app_id is not None

    @property
    def zalo_bot_enabled(self) -> bool:
        return self.zalo_bot_token is not None
    # ---- end of Zalo ---------------------------------------------------------------------


def describe_error(error: ValidationError) -> str:
    """One clear line naming the variable that stopped start-up."""
    first = error.errors()[0]
    where = [str(part) for part in first.get("loc", ()) if part != "__root__"]
    message = first.get("msg", "invalid value").removeprefix("Value error, ")
    if where:
        return f"configuration error: BOT_{where[0].upper()}: {message}"
    return f"configuration error: {message}"
