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
    units_file: Path = CONFIG_DIR / "units" / "tan-yen.yaml"
    bulletins_dir: Path = CONFIG_DIR / "bulletins"

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
    def _webhook_needs(self) -> "Settings":
        if self.telegram_mode == "webhook" and self.telegram_token is not None:
            if not self.public_url:
                raise ValueError("BOT_PUBLIC_URL is required when BOT_TELEGRAM_MODE=webhook")
            if self.telegram_webhook_secret is None:
                raise ValueError(
                    "BOT_TELEGRAM_WEBHOOK_SECRET is required when BOT_TELEGRAM_MODE=webhook")
        return self


def describe_error(error: ValidationError) -> str:
    """One clear line naming the variable that stopped start-up."""
    first = error.errors()[0]
    where = [str(part) for part in first.get("loc", ()) if part != "__root__"]
    message = first.get("msg", "invalid value").removeprefix("Value error, ")
    if where:
        return f"configuration error: BOT_{where[0].upper()}: {message}"
    return f"configuration error: {message}"
