"""The failures of taking in links and feeds, each with a message that says what happened."""

from __future__ import annotations

from kernel.errors import NewsdeskError


class FetchError(NewsdeskError):
    """A link or feed could not be fetched or read; the message is one sentence for the user."""


class FeedNotFound(NewsdeskError):
    """No followed feed has that URL or id."""


class PollRunning(NewsdeskError):
    """Another process is polling feeds or adding links; only one may at a time."""
