"""The poll path of a running bot: resident memory after start, after a feed poll and after
/reindex, and the wall time of a poll that brings one new article into 5,000 article files.

Run: .venv/bin/python bench/poll_path.py [--articles 5000] [--rounds 3] [--code DIR]

The desk: 5,000 Markdown article files, each the opening of a RealTimeQA article (read from
../shared/data/realtimeqa, research-only, never copied into the repository), indexed once
with the default encoder. A local news site on 127.0.0.1 serves one RSS feed; each round adds
one new article to it.

A child process is wired as `newsdesk bot` wires its services (answerer, query log,
ingester, /reindex), without Discord: it answers one question (start), polls the feed once
per round (the first poll loads what the ingester needs; the later ones are the steady
state), then runs /reindex's rebuild, and reports its resident memory (VmRSS) after each
step. `--code DIR` runs the child on another checkout (an older commit, for a before/after
comparison); the desk and the site are the same. Figures go to
bench/results/poll_path[-LABEL].json.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ARCHIVE = ROOT.parent / "shared" / "data" / "realtimeqa" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results"
OPENING_WORDS = 90


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _write_desk(work: Path, articles: int) -> list[dict]:
    """`articles` opening-paragraph files in corpus/; returns the articles left over."""
    rows = [json.loads(line) for line in ARCHIVE.read_text(encoding="utf-8").splitlines()]
    corpus = work / "corpus"
    for n, row in enumerate(rows[:articles]):
        words = row["text"].split()[:OPENING_WORDS]
        folder = corpus / f"outlet-{n % 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        front = {"title": row["title"], "outlet": row["outlet"], "published": row["published"]}
        text = f"---\n{json.dumps(front)}\n---\n{' '.join(words)}\n"
        (folder / f"{row['doc_id']}.md").write_text(text, encoding="utf-8")
    return rows[articles:]


def _settle(result: object) -> object:
    """A coroutine's result (the async ingester) or the value itself (the blocking one)."""
    return asyncio.run(result) if inspect.isawaitable(result) else result  # type: ignore[arg-type]


def child(desk: Path, feed_url: str, rounds: int, ready: Path) -> None:
    """A bot's services over the desk: answer, poll each round, reindex; print the figures."""
    os.chdir(desk)
    from newsdesk import cli_bot, ingesting, wiring
    from newsdesk.settings import Settings

    settings = Settings(
        _env_file=None,
        newsdesk_corpus_dir=desk / "corpus",
        newsdesk_index_dir=desk / "index",
        newsdesk_db=desk / "newsdesk.db",
        newsdesk_allow_private_urls=True,
    )
    started = time.perf_counter()
    try:  # one encoder for everything, as `newsdesk bot` wires it now
        from index import SharedEmbedder

        encoder = SharedEmbedder(wiring.open_encoder(settings))
        answerer = wiring.make_answerer(settings, embedder=encoder)
        news = ingesting.make_ingester(settings, embedder=encoder)
        reindex = cli_bot.make_reindex(settings, encoder)
    except ImportError:  # an older checkout: each service loads what it needs
        answerer = wiring.make_answerer(settings)
        news = ingesting.make_ingester(settings)
        reindex = cli_bot.make_reindex(settings)  # type: ignore[call-arg]
    answerer.ask("What did the Pope say?")
    figures: dict[str, object] = {
        "start_s": round(time.perf_counter() - started, 2),
        "rss_after_start_mib": round(_rss_mib()),
    }
    _settle(news.follow(feed_url, 3600))
    polls = []
    for number in range(rounds):
        ready.write_text(str(number))  # the site adds this round's article
        while ready.exists():
            time.sleep(0.05)
        begun = time.perf_counter()
        report = _settle(news.poll(all_feeds=True))
        polls.append(round(time.perf_counter() - begun, 3))
        added = len(report.added)  # type: ignore[attr-defined]
        assert added == 1, f"round {number} added {added} articles"
        answerer.reload()
        figures[f"rss_after_poll_{number + 1}_mib"] = round(_rss_mib())
    figures["poll_s"] = polls
    begun = time.perf_counter()
    reindex()
    answerer.reload()
    figures["reindex_s"] = round(time.perf_counter() - begun, 2)
    figures["rss_after_reindex_mib"] = round(_rss_mib())
    news.close()
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="The checkout the bot runs.")
    parser.add_argument("--label", default="", help="Suffix of the results file.")
    parser.add_argument("--desk", type=Path, help="Reuse (or keep) the desk in this folder.")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the code under test comes from PYTHONPATH (--code)
        desk, url, rounds, ready = args.child
        child(Path(desk), url, int(rounds), Path(ready))
        return
    sys.path.insert(0, str(ROOT))
    from bench.news_site import NewsServer, Page, article_html, rfc822, rss
    from index import SentenceEmbedder, build_index

    work = args.desk or Path(tempfile.mkdtemp(prefix="poll-path-"))
    spare_file = work / "spare.json"
    if not (work / "index").exists():
        work.mkdir(parents=True, exist_ok=True)
        spare = _write_desk(work, args.articles)
        spare_file.write_text(json.dumps(spare[: args.rounds + 10]))
        began = time.perf_counter()
        summary = build_index(work / "corpus", work / "index", SentenceEmbedder())
        print(
            f"desk: {summary.articles} articles, {summary.chunks} chunks indexed in "
            f"{time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )
    else:
        print(f"desk reused: {work}", file=sys.stderr)
    desk = Path(tempfile.mkdtemp(prefix="poll-desk-"))  # each run starts from the same desk
    shutil.copytree(work / "corpus", desk / "corpus")
    shutil.copytree(work / "index", desk / "index", symlinks=True)
    for hidden in work.glob(".index.*"):
        target = desk / hidden.name
        if hidden.is_dir():
            shutil.copytree(hidden, target, symlinks=True)
    spare = json.loads(spare_file.read_text())

    server = NewsServer().start()
    base = f"http://127.0.0.1:{server.port}"
    items: list[tuple[str, str, str | None]] = []

    def publish(number: int) -> None:
        row = spare[number]
        path = f"/news/{number}.html"
        paragraphs = [p for p in row["text"].split("\n") if p.strip()][:6]
        server.add(path, Page(article_html(row["title"], paragraphs, site="Bench Wire").encode()))
        items.append((row["title"], path, rfc822(1 + number)))
        server.add("/feed.xml", Page(rss("Bench Wire", items, base=base), "application/rss+xml"))

    server.add("/feed.xml", Page(rss("Bench Wire", [], base=base), "application/rss+xml"))
    ready = desk / "ready"
    env = {**os.environ, "PYTHONPATH": str(args.code), "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(desk),
        f"{base}/feed.xml",
        str(args.rounds),
        str(ready),
    ]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=args.code)
    served = 0
    while proc.poll() is None:
        if ready.exists():
            publish(served)
            served += 1
            ready.unlink()
        time.sleep(0.02)
    out = proc.stdout.read() if proc.stdout else ""
    server.stop()
    if proc.returncode != 0:
        raise SystemExit(f"the bot process failed ({proc.returncode})")
    figures = json.loads(out.strip().splitlines()[-1])
    polls = figures["poll_s"]
    figures |= {
        "code": str(args.code),
        "articles": args.articles,
        "first_poll_s": polls[0],
        "later_polls_median_s": statistics.median(polls[1:]) if len(polls) > 1 else None,
        "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"poll_path{'-' + args.label if args.label else ''}.json"
    (RESULTS / name).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    shutil.rmtree(desk, ignore_errors=True)


if __name__ == "__main__":
    main()
