"""Links and feeds: fetching articles, extracting them, writing corpus files, the feeds table.

This front door names what the front ends use: the ingester and its settings, the feeds
table, and the reports of what a run did. Fetching, address checks, extraction and corpus
files are imported from their modules.
"""

from ingest.errors import PollRunning
from ingest.feeds import Feed, FeedStore, format_every, parse_every
from ingest.fetch import FetchLimits
from ingest.ingester import FollowResult, IngestConfig, Ingester
from ingest.reports import IngestReport, LinkResult

__all__ = [
    "Feed",
    "FeedStore",
    "FetchLimits",
    "FollowResult",
    "IngestConfig",
    "IngestReport",
    "Ingester",
    "LinkResult",
    "PollRunning",
    "format_every",
    "parse_every",
]
