"""Settings, read once from the environment and `.env` by the entry points."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.errors import ConfigError


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
