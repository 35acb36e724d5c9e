"""What every command module shares: its settings, and errors turned into one clear line."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from kernel.errors import NewsdeskError
from newsdesk.settings import Settings
from newsdesk.terminal import shown

P = ParamSpec("P")
R = TypeVar("R")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a `NewsdeskError` into one clear line on stderr and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except NewsdeskError as exc:
            raise click.ClickException(shown(str(exc))) from exc

    return wrapper


def settings_from(ctx: click.Context) -> Settings:
    """The settings loaded once by the top-level command."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings
