"""Conversations kept in the bot's database: a turn written and read back whole, only the
newest keys kept, a later process going on from them, and an unwritable file costing one
log line and nothing else."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

import pytest

from retrieval import Answer, Conversation, Quote, Source
from retrieval._conversation_store import CONVERSATIONS, ConversationStore
from retrieval.conversation import Conversations, Turn

TURN = Turn(
    "Who did she meet in Beijing?",
    "who did Janet Yellen meet in Beijing?",
    dt.date(2023, 7, 9),
    "Li Qiang",
    "Yellen met with her Chinese counterpart, “a frank” talk, she said.",
    (("she", "Janet Yellen"),),
)


def _ask(question: str, *, k: int | None = None, as_of: dt.date | None = None) -> Answer:
    """A fake answerer: every question is answered by one quote naming a man."""
    text = "Blinken met Qin Gang in Beijing on Sunday."
    source = Source("a", None, None, None, "2023-06-19", "corpus/a.md", 0, len(text))
    quote = Quote(text, 0.9, (source,), (12, 20))
    return Answer(question, True, (quote,), 5.0, 1, "v1", as_of=as_of or dt.date(2023, 6, 20))


def test_a_turn_round_trips_with_its_date_and_referents(tmp_path):
    ConversationStore(tmp_path / "newsdesk.db").save([42], TURN)

    assert ConversationStore(tmp_path / "newsdesk.db").load(42) == TURN


def test_a_turn_with_nothing_optional_round_trips(tmp_path):
    bare = Turn("why?", "why did it fall?")
    store = ConversationStore(tmp_path / "newsdesk.db")
    store.save([7], bare)

    assert store.load(7) == bare
    assert store.load(8) is None


def test_only_the_newest_1000_keys_are_kept(tmp_path):
    store = ConversationStore(tmp_path / "newsdesk.db")
    store.save(range(1, 1001), TURN)  # one write: ties are broken by key
    store.save([1], TURN)  # key 1 is written again: now the newest of the thousand
    store.save([1001], TURN)

    rows = sqlite3.connect(tmp_path / "newsdesk.db").execute(f"SELECT key FROM {CONVERSATIONS}")
    kept = {key for (key,) in rows}
    assert len(kept) == 1000
    assert 1 in kept and 1001 in kept
    assert 2 not in kept


def test_a_new_process_goes_on_from_the_last_turn_of_every_key(tmp_path):
    before = Conversations(path=tmp_path / "newsdesk.db")
    conversation = Conversation()
    conversation.ask(_ask, "Who did Blinken meet in Beijing?")
    before.keep(100, conversation)  # the thread
    before.keep(101, conversation)  # the answer in it
    before.save(100)
    before.save(101)
    conversation.ask(_ask, "and when did he arrive?")  # its next turn, under both keys
    before.close()

    after = Conversations(path=tmp_path / "newsdesk.db")
    for key in (100, 101):
        restored = after.get(key)
        assert restored is not None
        assert restored.last == conversation.last
    assert after.get(102) is None
    reading = after.get(100).read("why?")  # type: ignore[union-attr]
    assert reading.follow_up
    assert reading.as_of == dt.date(2023, 6, 20)


def test_a_row_not_understood_reads_as_no_conversation(tmp_path, caplog):
    store = ConversationStore(tmp_path / "newsdesk.db")
    store.save([5], TURN)
    with sqlite3.connect(tmp_path / "newsdesk.db") as conn:
        conn.execute(f"UPDATE {CONVERSATIONS} SET turn = '{{\"question\": 1}}' WHERE key = 5")

    assert store.load(5) is None
    assert "not understood" in caplog.text


@pytest.mark.parametrize("where", ["not-a-database", "under-a-file"])
def test_an_unwritable_database_costs_one_log_line_and_follow_ups_go_on_in_memory(
    tmp_path, caplog, where
):
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"these bytes are no SQLite database " * 64)
    path = blocker if where == "not-a-database" else blocker / "newsdesk.db"
    kept = Conversations(path=path)
    caplog.set_level(logging.WARNING, logger="retrieval._conversation_store")

    conversation = Conversation()
    first = conversation.ask(_ask, "Who did Blinken meet in Beijing?")
    kept.keep(100, conversation)
    kept.save(100)
    found = kept.get(100)
    assert found is conversation
    second = found.ask(_ask, "and when did he arrive?")
    kept.keep(101, found)
    kept.save(101)
    third = found.ask(_ask, "why?")

    assert first.read_as is None
    assert second.read_as is not None and "Blinken" in second.read_as
    assert third.read_as is not None
    assert kept.get(999) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "memory only" in warnings[0].getMessage()
    assert warnings[0].exc_info is None  # one line, no traceback
