"""The brief: the window it covers, stories grouped and ranked, quotes verbatim, the topic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index import BuildOptions, OpenIndex, build_index, load_index
from retrieval._stories import StoryConfig
from retrieval.brief import BadSince, brief_window, make_brief
from retrieval.timeline import BadTopic
from tests.fakes import FakeEmbedder

DAY = dt.date(2024, 3, 9)
# The fake model's bag-of-words vectors share their common words: any two texts are closer
# than the real model would have them, so stories are cut tighter.
FAKE = StoryConfig(threshold=0.35)

BRIDGE = (
    "The Harbor bridge collapsed into the river on Friday night after a cargo ship struck "
    "its central pier, the port authority said.\n\nDivers searched the river for the "
    "crew of a truck that fell with the bridge span."
)
BRIDGE_COPY = (
    "The Harbor bridge collapsed into the river late on Friday after a cargo ship struck "
    "its central pier, port authority officials said.\n\nThe bridge span fell onto the "
    "river and divers searched for a truck crew."
)
BRIDGE_LATER = (
    "Engineers said the Harbor bridge collapsed because the cargo ship struck the central "
    "pier of the bridge at full speed.\n\nThe river channel under the bridge stays closed."
)
BUDGET = (
    "The city council approved a budget of $4 billion on Thursday, with more money for "
    "schools and parks.\n\nCouncil members voted 9-2 for the budget after a long debate."
)
BUDGET_LATER = (
    "The city council budget vote on Thursday gave schools and parks more money, council "
    "members said.\n\nThe budget passed 9-2 after a long council debate."
)
PANDA = (
    "A giant panda cub was born at the Riverside zoo on Wednesday, the first birth of a "
    "panda there in ten years.\n\nKeepers said mother and cub were doing well."
)

ARTICLES = [
    ("bridge-a", "Harbor Post", "2024-03-09", BRIDGE),
    ("bridge-b", "Coast Herald", "2024-03-09", BRIDGE_COPY),
    ("bridge-c", "Harbor Post", "2024-03-08", BRIDGE_LATER),
    ("budget-a", "City Wire", "2024-03-08", BUDGET),
    ("budget-b", "City Wire", "2024-03-09", BUDGET_LATER),
    ("panda", "Zoo News", "2024-03-08", PANDA),
    ("old-panda", "Zoo News", "2024-01-02", PANDA.replace("Wednesday", "Monday")),
    ("undated", "Zoo News", None, BUDGET.replace("Thursday", "Tuesday")),
]


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> OpenIndex:
    """A small dated index of three stories, built with the fake model."""
    root = tmp_path_factory.mktemp("brief")
    (root / "corpus").mkdir()
    with (root / "corpus" / "news.jsonl").open("w") as handle:
        for article_id, outlet, published, text in ARTICLES:
            record = {"id": article_id, "outlet": outlet, "title": article_id, "text": text}
            record |= {"published": published} if published else {}
            record |= {"url": f"https://example.org/{article_id}"}
            handle.write(json.dumps(record) + "\n")
    build_index(root / "corpus", root / "index", FakeEmbedder(), BuildOptions(32, 8))
    return load_index(root / "index")


def fake_brief(news: OpenIndex, **fields):
    return make_brief(news, config=FAKE, **fields)


def _ids(story) -> set[str]:
    return {s.article_id for s in story.sources}


@pytest.mark.parametrize(
    ("since", "first"),
    [
        (None, dt.date(2024, 3, 8)),
        ("24h", dt.date(2024, 3, 8)),
        ("12h", dt.date(2024, 3, 8)),
        ("2d", dt.date(2024, 3, 7)),
        ("1w", dt.date(2024, 3, 2)),
        (" 2D ", dt.date(2024, 3, 7)),
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024-03-09", DAY),
    ],
)
def test_brief_window_reaches_back_to_the_day_the_span_starts_in(since, first):
    assert brief_window(since, DAY) == (first, DAY)


@pytest.mark.parametrize("since", ["yesterday", "2024-13-01", "-2d", "2024-03-10", "24"])
def test_brief_window_refuses_what_is_neither_a_span_nor_an_earlier_day(since):
    with pytest.raises(BadSince, match="since"):
        brief_window(since, DAY)


def test_articles_of_one_event_make_one_story_ranked_by_articles_then_outlets(news):
    brief = fake_brief(news, first=dt.date(2024, 3, 8), last=DAY)

    assert brief.articles == 6
    assert [_ids(s) for s in brief.stories] == [
        {"bridge-a", "bridge-b", "bridge-c"},
        {"budget-a", "budget-b"},
        {"panda"},
    ]
    bridge = brief.stories[0]
    assert bridge.outlets in (("Harbor Post", "Coast Herald"), ("Coast Herald", "Harbor Post"))
    assert bridge.newest == DAY


def test_a_story_quotes_a_lead_sentence_verbatim_and_lists_its_quoted_source_first(news):
    brief = fake_brief(news, first=dt.date(2024, 3, 8), last=DAY)

    for story in brief.stories:
        quoted = story.sources[0]
        text = next(a.text for a in news.articles if a.article_id == quoted.article_id)
        assert text[quoted.char_start : quoted.char_end] == story.quote
        assert text.startswith(story.quote)  # the lead: the article's first sentence
        dates = [s.published for s in story.sources[1:]]
        assert dates == sorted(dates, reverse=True)  # the others newest first


def test_also_reported_by_names_the_other_outlets(news):
    bridge = fake_brief(news, first=dt.date(2024, 3, 8), last=DAY).stories[0]

    assert bridge.also_reported_by == tuple(
        o for o in bridge.outlets if o != bridge.sources[0].outlet
    )
    assert len(bridge.also_reported_by) == 1


def test_articles_outside_the_window_and_undated_ones_are_left_out(news):
    brief = fake_brief(news, first=DAY, last=DAY)

    assert brief.articles == 3
    found = set().union(*(_ids(s) for s in brief.stories))
    assert found == {"bridge-a", "bridge-b", "budget-b"}


def test_a_window_without_articles_has_no_stories(news):
    brief = fake_brief(news, first=dt.date(2020, 1, 1), last=dt.date(2020, 1, 2))

    assert brief.articles == 0 and brief.stories == ()
    assert brief.to_json()["stories"] == []


def test_a_topic_keeps_only_the_stories_that_name_it(news):
    brief = fake_brief(news, first=dt.date(2024, 3, 8), last=DAY, topic="council budget")

    assert [_ids(s) for s in brief.stories] == [{"budget-a", "budget-b"}]
    assert brief.topic == "council budget"


def test_a_topic_of_no_words_is_refused(news):
    with pytest.raises(BadTopic):
        fake_brief(news, first=DAY, last=DAY, topic="?!")


def test_brief_json_has_its_window_counts_and_sourced_stories(news):
    shape = fake_brief(news, first=dt.date(2024, 3, 8), last=DAY).to_json(limit=2)

    assert set(shape) == {
        "since",
        "until",
        "topic",
        "articles",
        "stories_total",
        "stories",
        "latency_ms",
    }
    assert (shape["since"], shape["until"], shape["stories_total"]) == (
        "2024-03-08",
        "2024-03-09",
        3,
    )
    story = shape["stories"][0]
    assert set(story) == {"quote", "articles", "outlets", "also_reported_by", "sources"}
    assert story["articles"] == 3 and len(story["sources"]) == 3
    assert story["sources"][0]["url"].startswith("https://example.org/")


def test_dated_set_groups_each_story_s_two_reports_together(dated_index: Path):
    """The real model over tests/data/dated: 18 stories of two reports each."""
    brief = make_brief(
        load_index(dated_index), first=dt.date(2023, 1, 1), last=dt.date(2025, 12, 31)
    )

    assert brief.articles == 36
    groups = sorted(sorted(_ids(s)) for s in brief.stories)
    assert len(groups) == 18
    assert all(a.rsplit("_", 1)[0] == b.rsplit("_", 1)[0] for a, b in groups)
