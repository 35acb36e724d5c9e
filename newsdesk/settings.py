"""Settings, read once from the environment and `.env` by the entry points."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.errors import ConfigError

_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


class Settings(BaseSettings):
    """Every setting (docs/design.md, Settings); each is documented in `.env.example`.

    A setting that is `None` when unset takes the library's default, written once in its
    dataclass (`retrieval.RetrievalConfig`); it is not imported here, so that a command
    starts without loading the index libraries.
    """

    model_config = SettingsConfigDict(
        env_file=".env", frozen=True, extra="ignore", env_ignore_empty=True
    )

    discord_token: SecretStr | None = None
    newsdesk_guild_id: int | None = None
    newsdesk_corpus_dir: Path = Path("corpus")
    newsdesk_index_dir: Path = Path("var/index")
    newsdesk_db: Path = Path("var/newsdesk.db")
    newsdesk_model: str | None = None
    newsdesk_encoder: Literal["fp32", "torch", "int8"] = "fp32"
    newsdesk_model_cache: Path = Path("var/models")
    newsdesk_reader: Literal["fp32", "int8", "off"] = "int8"
    newsdesk_top_k: int | None = Field(default=None, ge=1, le=10)
    newsdesk_cooldown_s: float = Field(default=5.0, ge=0)
    newsdesk_max_question_chars: int | None = Field(default=None, ge=10, le=4000)
    newsdesk_answer_in_thread: bool = False
    newsdesk_connect_attempts: int = Field(default=5, ge=1, le=1000)
    newsdesk_log_salt: SecretStr = SecretStr("newsdesk")
    newsdesk_log_raw_user_ids: bool = False
    newsdesk_chunk_tokens: int = Field(default=128, ge=8, le=254)
    newsdesk_chunk_overlap: int = Field(default=32, ge=0, le=128)
    newsdesk_ann_threshold: int = Field(default=50_000, ge=1)
    newsdesk_rrf_k: int = Field(default=60, ge=1)
    newsdesk_dense_weight: float = Field(default=1.0, ge=0)
    newsdesk_lexical_weight: float = Field(default=1.0, ge=0)
    newsdesk_min_confidence: float | None = None
    newsdesk_allow_private_urls: bool = False
    newsdesk_news_channel_id: int | None = None
    newsdesk_feed_check_s: float = Field(default=60.0, ge=10, le=86400)
    newsdesk_fetch_timeout_s: float | None = Field(default=None, gt=0, le=300)
    newsdesk_brief_at: str | None = None
    newsdesk_timezone: str = "UTC"

    @field_validator("newsdesk_brief_at")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        """A time of day written HH:MM (24-hour clock)."""
        if value is None:
            return None
        if not _CLOCK.fullmatch(value.strip()):
            raise ValueError(f"a time of day like 07:00 (24-hour HH:MM), not {value!r}")
        return value.strip()

    @field_validator("newsdesk_timezone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        """A time zone name of the IANA database, such as Europe/Paris or UTC."""
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"a time zone name such as UTC or Europe/Paris, not {value!r}"
            ) from None
        return value.strip()


def load_settings() -> Settings:
    """Settings from the environment and `.env`.

    Raises:
        ConfigError: a variable holds a value of the wrong kind, named in the message.
    """
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(
            f"Invalid setting ({problems}); fix it in the environment or .env."
        ) from exc
