"""Feed polling speed: 20 local feeds of 50 new articles each, then a poll with nothing new.

Run: .venv/bin/python bench/ingest_poll.py [--feeds 20] [--entries 50]

A local news site (bench/news_site.py, in its own process, on 127.0.0.1) serves `--feeds`
RSS feeds, each on its own host name (resolved to 127.0.0.1 through the resolver seam, so the
one-fetch-per-host rule applies as it would on the web), with `--entries` entries each. Every
entry links to an HTML page with the usual boilerplate around one BBC article from
../shared/data/bbc-news (read from there, never copied into the repo). The desk starts from
the bundled corpus, already indexed.

The first poll takes in every article: its time is split into fetching (time on the wire),
extraction (trafilatura), writing corpus files and the index update, and the model's own
time inside the update (the embedding of the new chunks). Target: fetching, extraction and
writing together take less than that embedding. A second poll (every feed answers 304) must
take under 2 s, in process and as `newsdesk feeds poll --all` from a fresh process.
Figures go to bench/results/ingest_poll.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_build import TimedEmbedder  # noqa: E402
from bench.news_site import NewsServer, Page, article_html, rfc822, rss  # noqa: E402
from index import BuildOptions, SentenceEmbedder, build_index  # noqa: E402
from ingest import FeedStore, FetchLimits, IngestConfig, Ingester  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results" / "ingest_poll.json"


def _serve(articles: list[dict], feeds: int, entries: int, port_out, stop) -> None:
    """The local news site (runs in its own process)."""
    server = NewsServer()
    base = f"http://feed{{}}.bench.test:{server.port}"
    for f in range(feeds):
        items = []
        for e in range(entries):
            article = articles[f * entries + e]
            path = f"/{f}/{e}.html"
            paragraphs = [p for p in article["text"].split("\n") if p.strip()]
            page = article_html(article["title"], paragraphs, site=f"Bench Wire {f}")
            server.add(path, Page(page.encode()))
            items.append((article["title"], path, rfc822(1 + e % 28)))
        feed = rss(f"Bench feed {f}", items, base=base.format(f))
        server.add(f"/{f}/rss.xml", Page(feed, content_type="application/rss+xml", etag=True))
    server.start()
    port_out.put(server.port)
    stop.wait()
    server.stop()


async def _to_local(host: str, port: int) -> list[str]:
    if not host.endswith(".bench.test"):
        raise OSError(f"the benchmark only reaches 127.0.0.1, not {host}")
    return ["127.0.0.1"]


def _desk(work: Path, embedder: TimedEmbedder) -> IngestConfig:
    shutil.copytree(ROOT / "corpus", work / "corpus")
    build_index(work / "corpus", work / "index", embedder)
    return IngestConfig(
        corpus_dir=work / "corpus",
        index_dir=work / "index",
        db_path=work / "newsdesk.db",
        allow_private=True,
        limits=FetchLimits(),
        build_options=BuildOptions(),
    )


def _cli(config: IngestConfig, *args: str) -> float:
    """Seconds of `newsdesk ARGS` in a fresh process, over the bench desk."""
    env = {
        **os.environ,
        "NEWSDESK_CORPUS_DIR": str(config.corpus_dir),
        "NEWSDESK_INDEX_DIR": str(config.index_dir),
        "NEWSDESK_DB": str(config.db_path),
        "NEWSDESK_ALLOW_PRIVATE_URLS": "true",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "newsdesk"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=config.corpus_dir.parent,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"newsdesk {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args()
    articles = [json.loads(line) for line in BBC.open(encoding="utf-8")]
    articles = articles[: args.feeds * args.entries]
    context = multiprocessing.get_context("spawn")
    port_queue, stop = context.Queue(), context.Event()
    site = context.Process(
        target=_serve, args=(articles, args.feeds, args.entries, port_queue, stop)
    )
    site.start()
    port = port_queue.get(timeout=120)
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        embedder = TimedEmbedder(SentenceEmbedder())
        config = _desk(work, embedder)
        embedder.model_seconds = 0.0
        ingester = Ingester(config, lambda: embedder, resolver=_to_local)
        for f in range(args.feeds):
            ingester.store.add(f"http://feed{f}.bench.test:{port}/{f}/rss.xml", 1800)
        first = asyncio.run(ingester.poll())
        second_started = time.perf_counter()
        second = asyncio.run(ingester.poll(all_feeds=True))
        second_s = time.perf_counter() - second_started
        ingester.close()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # The CLI resolves names for real: point the feeds at 127.0.0.1 for that run.
        store = FeedStore(config.db_path)
        for feed in store.feeds():
            local = re.sub(r"//feed\d+\.bench\.test:", "//127.0.0.1:", feed.url)
            store.update(feed.feed_id, url=local)
        store.close()
        cli_s = _cli(config, "feeds", "poll", "--all")
        help_s = _cli(config, "--help")
    finally:
        stop.set()
        site.join(10)
        shutil.rmtree(work, ignore_errors=True)

    t = first.timings
    build = first.build
    taken = t.fetch_s + t.extract_s + t.write_s
    results = {
        "feeds": args.feeds,
        "entries_per_feed": args.entries,
        "articles_added": len(first.added),
        "duplicates": sum(link.status == "duplicate" for link in first.links),
        "failed": len(first.failed),
        "new_chunks": build.embedded_chunks if build else 0,
        "first_poll": {
            "wall_s": round(t.wall_s, 2),
            "take_in_wall_s": round(t.wall_s - t.build_s, 2),
            "fetch_s": round(t.fetch_s, 2),
            "extract_s": round(t.extract_s, 2),
            "write_s": round(t.write_s, 2),
            "index_update_s": round(t.build_s, 2),
            "embedding_s": round(embedder.model_seconds, 2),
            "fetch_extract_write_summed_s": round(taken, 2),
            "target_met": t.wall_s - t.build_s < embedder.model_seconds,
        },
        "second_poll": {
            "in_process_s": round(second_s, 3),
            "cli_s": round(cli_s, 2),
            "cli_help_s": round(help_s, 2),
            "unchanged_feeds": sum(f.status == "unchanged" for f in second.feeds),
            "articles_added": len(second.added),
            "target_met_in_process": second_s < 2,
            "target_met_cli": cli_s < 2,
        },
        "peak_rss_mb": round(peak_mb),
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
