"""`newsdesk ask`, `chat` and `eval`: questions from the terminal."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from kernel.errors import EmptyQuestion, QuestionTooLong, UnreadableQuestion
from newsdesk.commands import friendly_errors, settings_from
from newsdesk.terminal import json_line, shown
from retrieval import NO_ANSWER, Answer, Quote, Source, relative_dates, spell_date

DEFAULT_QA = Path("tests/data/qa.jsonl")
_AS_OF_HELP = "Ask as of this day, YYYY-MM-DD (default: today); later articles are not used."


def parse_day(value: str | None, option: str = "--as-of") -> dt.date | None:
    """The day an option names (YYYY-MM-DD), or None when not given.

    Raises:
        click.ClickException: not a YYYY-MM-DD date.
    """
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.ClickException(
            f"{option} takes a date like 2025-11-14, not {value!r}."
        ) from None


def parse_as_of(value: str | None) -> dt.date | None:
    """The --as-of date, or None when not given.

    Raises:
        click.ClickException: not a YYYY-MM-DD date.
    """
    return parse_day(value, "--as-of")


def _source_line(source: Source) -> str:
    parts = [
        source.published or "undated",
        source.outlet,
        source.agency and f"via {source.agency}",
        source.title,
        source.url or source.path,
    ]
    return " · ".join(p for p in parts if p)


def _dates_line(quote: Quote) -> str | None:
    """The quote's relative dates resolved ("in February = February 2023"), or None."""
    dates = relative_dates(quote)
    if not dates:
        return None
    return "  dates: " + "; ".join(f"{d.text} = {spell_date(d.resolved, d.text)}" for d in dates)


def format_answer(answer: Answer) -> str:
    """An answer as readable text: quotes as block quotes, each followed by its sources;
    a follow-up question says first how it was read."""
    lines: list[str] = []
    if answer.read_as:
        lines.append(f"Read as: {answer.read_as}")
    if answer.lead:
        lines.append(answer.lead)
    if not answer.answered:
        lines.append(answer.message or NO_ANSWER)
        if answer.quotes:
            lines.append("")
            lines.append("Closest matches:")
    for quote in answer.quotes:
        lines.append("")
        lines.extend(f"> {line}" if line else ">" for line in quote.text.split("\n"))
        dates = _dates_line(quote)
        if dates:
            lines.append(dates)
        first, *copies = quote.sources
        earlier = "earlier report: " if quote.earlier else ""
        lines.append(f"  — {earlier}{_source_line(first)}")
        lines.extend(f"    also in: {_source_line(copy)}" for copy in copies)
    return shown("\n".join(lines).strip("\n"))


def _log(ctx: click.Context, answer: Answer) -> None:
    from newsdesk.wiring import make_query_log

    make_query_log(settings_from(ctx)).record(answer, interface="cli")


@click.command("ask")
@click.argument("question")
@click.option("--k", "k", type=click.IntRange(1, 10), help="How many quotes at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=_AS_OF_HELP)
@click.pass_context
@friendly_errors
def ask_command(
    ctx: click.Context, question: str, k: int | None, as_json: bool, as_of: str | None
) -> None:
    """Answer one question from the articles, quoting them verbatim.

    Example: newsdesk ask "When was Blinken's trip cancelled?" --json
    """
    from newsdesk.wiring import make_answerer, retrieval_config
    from retrieval import check_question

    day = parse_as_of(as_of)
    settings = settings_from(ctx)
    # the answerer's own check, before the model loads
    check_question(question, max_chars=retrieval_config(settings).max_question_chars)
    answer = make_answerer(settings).ask(question, k=k, as_of=day)
    _log(ctx, answer)
    click.echo(json_line(answer.to_json()) if as_json else format_answer(answer))


def read_chat_line(line: str, default: dt.date | None) -> tuple[str, dt.date | None]:
    """A chat line's question and as-of date: a plain line is the question, asked on
    `default`; a JSON object line carries {"question": "...", "as_of": "YYYY-MM-DD"}.

    Raises:
        click.ClickException: a JSON object line without a question or with a bad date.
    """
    if not line.startswith("{"):
        return line, default
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return line, default  # a question that happens to start with a brace
    question = record.get("question") if isinstance(record, dict) else None
    if not isinstance(question, str):
        raise click.ClickException(
            'a JSON line needs a "question" string: {"question": "...", "as_of": "2025-11-14"}.'
        )
    as_of = record.get("as_of")
    if as_of is None:
        return question, default
    if not isinstance(as_of, str):
        raise click.ClickException(f"--as-of takes a date like 2025-11-14, not {as_of!r}.")
    return question, parse_as_of(as_of)


@click.command("chat")
@click.option("--json", "as_json", is_flag=True, help="Print one `ask --json` object a line.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=_AS_OF_HELP)
@click.option(
    "--no-context",
    "no_context",
    is_flag=True,
    help="Read every line on its own, never as a follow-up of the line before.",
)
@click.pass_context
@friendly_errors
def chat_command(ctx: click.Context, as_json: bool, as_of: str | None, no_context: bool) -> None:
    """Answer questions read from stdin, one a line (works piped); Ctrl-D ends.

    A line that leans on the one before ("and when did he arrive?", "what about Taiwan?")
    is read as its follow-up, with the earlier names and as-of; a blank line starts over.
    A line may also be a JSON object with its own as-of date:
    {"question": "Who leads the talks?", "as_of": "2025-11-14"}

    Example: echo "When was Blinken's trip cancelled?" | newsdesk chat
    """
    from newsdesk.wiring import make_answerer, make_query_log
    from retrieval import Conversation

    default_day = parse_as_of(as_of)
    conversation = Conversation(context=not no_context)
    settings = settings_from(ctx)
    answerer = make_answerer(settings)
    query_log = make_query_log(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(
            f"Ask about the {answerer.index.n_articles} indexed articles; Ctrl-D to quit.", err=True
        )
    while True:
        if interactive:
            click.echo("? ", nl=False, err=True)
        # Bytes, decoded per line: a line that is not UTF-8 costs that question, not the rest.
        raw = sys.stdin.buffer.readline()
        if not raw:
            break
        line = raw.decode("utf-8", errors="surrogateescape").strip()
        if not line:
            conversation.reset()  # a blank line starts over
            continue
        try:
            question, day = read_chat_line(line, default_day)
            answer = conversation.ask(answerer.ask, question, as_of=day)
        except click.ClickException as exc:
            click.echo(shown(f"error: {exc.message}"), err=True)
            continue
        except (EmptyQuestion, QuestionTooLong, UnreadableQuestion) as exc:
            click.echo(shown(f"error: {exc}"), err=True)
            continue
        query_log.record(answer, interface="cli")
        if as_json:
            click.echo(json_line(answer.to_json()))
        else:
            click.echo(format_answer(answer) + "\n")
        sys.stdout.flush()


def _metrics_table(metrics: dict[str, Any]) -> str:
    rows = []
    for name, value in metrics.items():
        cell = f"{value:.3f}" if isinstance(value, float) else str(value)
        rows.append(f"{name:20} {cell}")
    return "\n".join(rows)


@click.command("eval")
@click.option(
    "--qa",
    "qa_file",
    type=click.Path(path_type=Path),
    default=DEFAULT_QA,
    show_default=True,
    help="QA file (JSON lines: question, answers, articles).",
)
@click.option("--json", "as_json", is_flag=True, help="Print metrics and every answer as JSON.")
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Ask the questions without their own as_of as of this day (default: today).",
)
@click.pass_context
@friendly_errors
def eval_command(ctx: click.Context, qa_file: Path, as_json: bool, as_of: str | None) -> None:
    """Report answer quality (hit@1, hit@3, MRR, no-answer precision/recall) and latency.

    Example: newsdesk eval --qa tests/data/qa.jsonl
    """
    from newsdesk.wiring import make_answerer
    from retrieval import evaluate, load_qa

    day = parse_as_of(as_of)
    items = load_qa(qa_file)
    answerer = make_answerer(settings_from(ctx))
    answerer.ask("warm up")
    report = evaluate(answerer.ask, items, as_of=day)
    if as_json:
        click.echo(json_line(report.to_json()))
    else:
        click.echo(_metrics_table(report.metrics))


COMMANDS = [ask_command, chat_command, eval_command]
