"""Links and feeds: fetching articles, extracting them, writing corpus files, the feeds table."""

from ingest.corpus import ArticleFile, Catalog, file_stem, front_matter, normalize_url, slugify
from ingest.errors import FeedNotFound, FetchError, PollRunning
from ingest.feeds import Feed, FeedStore, format_every, parse_every
from ingest.fetch import USER_AGENT, Fetched, Fetcher, FetchLimits
from ingest.ingester import FollowResult, IngestConfig, Ingester
from ingest.reports import FeedResult, IngestReport, LinkResult, Timings
from ingest.safety import Resolver, is_public, parse_link, resolve_host

__all__ = [
    "USER_AGENT",
    "ArticleFile",
    "Catalog",
    "Feed",
    "FeedNotFound",
    "FeedResult",
    "FeedStore",
    "FetchError",
    "FetchLimits",
    "Fetched",
    "Fetcher",
    "FollowResult",
    "IngestConfig",
    "IngestReport",
    "Ingester",
    "LinkResult",
    "PollRunning",
    "Resolver",
    "Timings",
    "file_stem",
    "format_every",
    "front_matter",
    "is_public",
    "normalize_url",
    "parse_every",
    "parse_link",
    "resolve_host",
    "slugify",
]
