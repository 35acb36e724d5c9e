"""The timeline: event sentences about a topic, dated, copies made one, oldest first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index import BuildOptions, OpenIndex, SentenceEmbedder, build_index, load_index
from retrieval.timeline import BadTopic, check_topic, make_timeline
from tests.fakes import FakeEmbedder

LEAD = (
    "An earthquake of magnitude 6.1 struck the Tarvo valley on Sunday, damaging hundreds "
    "of homes, the Tarvo valley authorities said."
)
ARTICLES = [
    ("quake-a", "Valley Times", "2024-05-06", LEAD + "\n\nRescuers pulled 12 people from "
     "the rubble of the Tarvo valley earthquake on Monday."),
    ("quake-b", "Plains Daily", "2024-05-06", LEAD + "\n\nThe Tarvo valley earthquake "
     "cut power to the valley's two largest towns."),
    ("quake-c", "Valley Times", "2024-05-10", "The death toll from the Tarvo valley "
     "earthquake rose to 30 on Thursday, the Tarvo valley authorities said.\n\nAid convoys "
     "reached the valley towns after the Tarvo valley earthquake."),
    ("quake-undated", "Archive", None, "The Tarvo valley earthquake of May 5, 2024 was the "
     "strongest in the Tarvo valley in decades.\n\nThe Tarvo valley earthquake damaged "
     "roads the valley towns depended on."),
    ("markets", "Money Wire", "2024-05-07", "Stock markets closed higher on Tuesday as "
     "investors bought shares of technology companies.\n\nBond yields fell."),
]  # fmt: skip

# The dated test set's stories and the words a reader would name each by.
DATED_TOPICS = {
    "ashgrove_measles": "Ashgrove measles outbreak",
    "aurora3_launch": "Aurora-3 rocket launch",
    "belmore_fare": "Belmore bus fare",
    "cedar_ridge_fire": "Cedar Ridge fire",
    "dunmore_strike": "Dunmore shipyard strike",
    "elstria_rate": "Bank of Elstria interest rate",
    "halvern_bridge": "Halvern river bridge",
    "karesh_talks": "Karesh ceasefire talks",
    "kessler_trial": "Kessler fraud trial",
    "lake_orin": "Lake Orin reservoir",
    "lumen_rail_ceo": "Lumen Rail chief executive",
    "marrow_fuel": "Marrow County petrol prices",
    "mount_corran": "Mount Corran hikers",
    "port_alder_police": "Port Alder police chief",
    "riverton_hawks": "Riverton Hawks coach",
    "valdria_floods": "Valdria floods",
    "varnland_election": "Varnland election",
    "westbrook_linden": "Westbrook Linden championship series",
}
DATED_QUESTIONS = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "data" / "dated" / "questions.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


@pytest.fixture(scope="module")
def quake(tmp_path_factory: pytest.TempPathFactory) -> OpenIndex:
    """An earthquake told by three dated articles (two sharing their lead) and an undated
    one, beside an article about markets; built with the fake model."""
    root = tmp_path_factory.mktemp("timeline")
    (root / "corpus").mkdir()
    with (root / "corpus" / "news.jsonl").open("w") as handle:
        for article_id, outlet, published, text in ARTICLES:
            record = {"id": article_id, "outlet": outlet, "title": article_id, "text": text}
            handle.write(json.dumps(record | ({"published": published} if published else {})))
            handle.write("\n")
    build_index(root / "corpus", root / "index", FakeEmbedder(), BuildOptions(32, 8))
    return load_index(root / "index")


def fake_timeline(index: OpenIndex, topic: str, **fields):
    return make_timeline(index, topic, embed=lambda text: FakeEmbedder().embed([text])[0], **fields)


def _entry(timeline, words: str):
    return next(e for e in timeline.entries if words in e.text)


def test_copies_across_outlets_are_one_entry_with_every_source(quake):
    timeline = fake_timeline(quake, "Tarvo valley earthquake")

    lead = _entry(timeline, "magnitude 6.1")
    assert {s.article_id for s in lead.sources} == {"quake-a", "quake-b"}
    assert sum("magnitude 6.1" in e.text for e in timeline.entries) == 1


def test_an_entry_is_dated_by_the_day_it_names_else_by_its_article(quake):
    timeline = fake_timeline(quake, "Tarvo valley earthquake")

    lead = _entry(timeline, "magnitude 6.1")
    assert (lead.date, lead.dated_by, lead.date_text) == ("2024-05-05", "text", "on Sunday")
    assert lead.spelled == "Sunday 5 May 2024"
    convoys = _entry(timeline, "Aid convoys")
    assert (convoys.date, convoys.dated_by) == ("2024-05-10", "published")
    assert _entry(timeline, "rose to 30").date == "2024-05-09"


def test_entries_come_oldest_first_and_hold_verbatim_sentences(quake):
    timeline = fake_timeline(quake, "Tarvo valley earthquake")
    texts = {a.article_id: a.text for a in quake.articles}

    assert [e.date for e in timeline.entries] == sorted(e.date for e in timeline.entries)
    for entry in timeline.entries:
        for source in entry.sources:
            assert texts[source.article_id][source.char_start : source.char_end] == entry.text


def test_an_undated_article_gives_only_the_sentences_that_name_their_date(quake):
    timeline = fake_timeline(quake, "Tarvo valley earthquake")
    undated = [e for e in timeline.entries if e.sources[0].article_id == "quake-undated"]

    assert [(e.date, e.dated_by) for e in undated] == [("2024-05-05", "text")]


def test_articles_about_something_else_stay_out(quake):
    timeline = fake_timeline(quake, "Tarvo valley earthquake")

    assert all(s.article_id != "markets" for e in timeline.entries for s in e.sources)


def test_since_and_as_of_bound_the_articles_read(quake):
    later = fake_timeline(quake, "Tarvo valley earthquake", since=dt.date(2024, 5, 8))
    earlier = fake_timeline(quake, "Tarvo valley earthquake", as_of=dt.date(2024, 5, 7))

    assert {s.article_id for e in later.entries for s in e.sources} == {"quake-c"}
    assert "quake-c" not in {s.article_id for e in earlier.entries for s in e.sources}
    assert later.articles_searched == 1


def test_timeline_json_has_dated_entries_with_sources(quake):
    shape = fake_timeline(quake, "Tarvo valley earthquake").to_json(limit=2)

    assert set(shape) == {
        "topic",
        "since",
        "as_of",
        "articles_searched",
        "entries_total",
        "entries",
        "latency_ms",
    }
    assert len(shape["entries"]) == 2 and shape["entries_total"] >= 4
    entry = shape["entries"][0]
    assert set(entry) == {"date", "dated_by", "date_text", "text", "sources"}


@pytest.mark.parametrize("topic", ["", "   ", "?!", "x" * 201, "bad \udcff bytes"])
def test_a_topic_that_is_no_words_too_long_or_not_text_is_refused(topic):
    with pytest.raises(BadTopic):
        check_topic(topic)


def test_check_topic_tidies_the_spaces():
    assert check_topic("  Halvern \n bridge ") == "Halvern bridge"


@pytest.fixture(scope="module")
def dated(dated_index: Path, real_embedder: SentenceEmbedder):
    index = load_index(dated_index)

    def timeline(topic: str):
        return make_timeline(index, topic, embed=lambda text: real_embedder.embed([text])[0])

    return timeline


def _lead_position(timeline, article_id: str) -> int:
    return next(
        n
        for n, e in enumerate(timeline.entries)
        if any(s.article_id == article_id and s.char_start == 0 for s in e.sources)
    )


@pytest.mark.parametrize("story", sorted(DATED_TOPICS))
def test_dated_story_unfolds_in_order_with_the_earlier_report_first(dated, story):
    """tests/data/dated, with the real model: each story's entries come from its own two
    reports, in order of date, the earlier report's lead before the later's, and the answer
    the earlier report gave before the answer the later one gives."""
    timeline = dated(DATED_TOPICS[story])
    starts = [e.date for e in timeline.entries]

    assert {s.article_id for e in timeline.entries for s in e.sources} == {
        f"{story}_1",
        f"{story}_2",
    }
    assert starts == sorted(starts)
    assert _lead_position(timeline, f"{story}_1") < _lead_position(timeline, f"{story}_2")
    for question in (q for q in DATED_QUESTIONS if q["articles"][0] == f"{story}_2"):
        said = [
            next(n for n, e in enumerate(timeline.entries) if any(a in e.text for a in answers))
            for answers in (question["earlier"]["answers"], question["answers"])
        ]
        assert said[0] < said[1]
