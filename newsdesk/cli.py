"""The `newsdesk` command line: thin commands that parse, call the library, and print."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from kernel.errors import NewsdeskError
from newsdesk.commands import friendly_errors, settings_from
from newsdesk.settings import Settings, load_settings
from newsdesk.terminal import shown


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Answer questions about news articles with verbatim, cited quotes.

    Example: newsdesk ask "When was Blinken's trip cancelled?"
    """
    try:
        ctx.obj = load_settings()
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    _configure_logging(ctx.obj, verbose=verbose)


# Loggers whose lines the terminal shows; other libraries' (trafilatura, htmldate, ...) go to
# the log file only, unless --verbose asks for everything.
_SHOWN_LOGGERS = frozenset({"index", "retrieval", "ingest", "bot", "newsdesk", "discord"})
LOG_FILE_NAME = "newsdesk.log"


class _OwnLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.partition(".")[0] in _SHOWN_LOGGERS


def _configure_logging(settings: Settings, *, verbose: bool) -> None:
    """Warnings to the terminal (newsdesk's own, or all with --verbose) and to a log file beside
    the database (all of them, libraries' included)."""
    import logging.handlers

    terminal = logging.StreamHandler(sys.stderr)
    terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:
        terminal.addFilter(_OwnLines())
    handlers: list[logging.Handler] = [terminal]
    log_file = settings.newsdesk_db.parent / LOG_FILE_NAME
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2**20, backupCount=2, encoding="utf-8", delay=True
        )
    except OSError:
        pass  # no log file where the database cannot be either; the command will say so
    else:
        to_file.setLevel(logging.WARNING)
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(to_file)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=handlers)
    for noisy in ("sentence_transformers", "transformers", "httpx", "bm25s", "faiss"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@cli.group("index")
def index_group() -> None:
    """Build and inspect the article index.

    Example: newsdesk index build
    """


@index_group.command("build")
@click.option("--corpus", type=click.Path(path_type=Path), help="Folder of articles [corpus/].")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--rebuild", is_flag=True, help="Re-embed every article, reusing nothing.")
@click.pass_context
@friendly_errors
def index_build(
    ctx: click.Context, corpus: Path | None, index_dir: Path | None, rebuild: bool
) -> None:
    """Build or update the index from the corpus folder (only changed articles are embedded).

    Example: newsdesk index build --corpus corpus
    """
    from newsdesk.building import run_build

    settings = settings_from(ctx)
    summary = run_build(settings, corpus=corpus, index_dir=index_dir, rebuild=rebuild)
    for skipped in summary.skipped:
        click.echo(shown(f"warning: skipped {skipped.path}: {skipped.reason}"), err=True)
    for note in summary.notes:
        click.echo(shown(note), err=True)
    click.echo(
        f"Indexed {summary.articles} articles: {summary.added} added, "
        f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.removed} removed, "
        f"{len(summary.skipped)} skipped; "
        f"{summary.chunks} chunks ({summary.embedded_chunks} embedded) in {summary.seconds:.1f} s"
        f" ({summary.chunks_per_second:.1f} chunks/s); "
        f"peak memory {summary.peak_memory_bytes / 2**20:,.0f} MiB."
    )


@index_group.command("info")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.pass_context
@friendly_errors
def index_info(ctx: click.Context, index_dir: Path | None, as_json: bool) -> None:
    """Check the index and show its manifest: model, counts, build time, type, size on disk.

    Every part (rows, vectors, FAISS, BM25) is read and checked against the manifest, so a
    damaged index is reported as damaged, with a non-zero exit status.

    Example: newsdesk index info
    """
    from index import index_size_bytes, load_index

    folder = index_dir or settings_from(ctx).newsdesk_index_dir
    opened = load_index(folder)
    manifest = dict(opened.manifest)
    manifest["size_bytes"] = index_size_bytes(folder)
    manifest["undated_articles"] = opened.n_undated
    if as_json:
        click.echo(json.dumps(manifest, indent=2))
        return
    counts = manifest["counts"]
    lines = [
        ("index", str(folder)),
        ("model", f"{manifest['model']} (weights sha256 {manifest['model_fingerprint'][:12]}…)"),
        ("encoder", manifest.get("precision", "fp32")),
        ("dimension", manifest["dimension"]),
        ("articles", counts["articles"]),
        ("undated", f"{manifest['undated_articles']} articles without a publication date"),
        ("chunks", counts["chunks"]),
        ("sentences", counts["sentences"]),
        ("skipped files", counts["skipped_files"]),
        ("chunking", f"{manifest['chunk_tokens']} tokens, {manifest['overlap_tokens']} overlap"),
        ("index type", manifest["index_type"]),
        *(
            [("in place", _in_place_line(manifest["delta"]))]
            if isinstance(manifest.get("delta"), dict)
            else []
        ),
        ("built at", f"{manifest['built_at']} in {manifest['build_seconds']:.1f} s"),
        ("size on disk", f"{manifest['size_bytes'] / 2**20:.1f} MiB"),
    ]
    for name, value in lines:
        click.echo(f"{name + ':':15} {shown(str(value))}")


def _in_place_line(delta: dict[str, int]) -> str:
    removed = delta.get("removed_articles", 0)
    return (
        f"{delta.get('chunks', 0)} chunks appended and {removed} article "
        f"version{'' if removed == 1 else 's'} removed since the last full build"
    )


def _register_optional() -> None:
    """Attach the command groups that live in their own modules."""
    from newsdesk import cli_ask, cli_bot, cli_ingest, cli_log, cli_news

    for module in (cli_ask, cli_bot, cli_ingest, cli_log, cli_news):
        for command in module.COMMANDS:
            cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    _register_optional()
    cli()
