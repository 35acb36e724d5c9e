"""Follow-up questions read on their own: whether a question leans on the turn before, and
the question as read, with the names, places and terms carried over."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval import Answer, Conversation, Quote, Source, read_question
from retrieval.conversation import Conversations, Turn, answer_words, leans_on_context

BLINKEN = Turn("Who did Blinken meet in Beijing?", "Who did Blinken meet in Beijing?")


def _answer(question: str, text: str, highlight: tuple[int, int] | None = None) -> Answer:
    source = Source("a", None, None, None, "2023-06-19", "corpus/a.md", 0, len(text))
    quote = Quote(text, 0.9, (source,), highlight)
    return Answer(question, True, (quote,), 5.0, 1, "v1", as_of=dt.date(2023, 6, 20))


@pytest.mark.parametrize(
    "question",
    [
        "and when did he arrive?",
        "what about Taiwan?",
        "why?",
        "who else was there?",
        "how long did it last?",
        "how many were arrested?",
    ],
)
def test_a_question_that_leans_on_the_one_before_is_told_apart(question):
    assert leans_on_context(question) is not None


@pytest.mark.parametrize(
    "question",
    [
        "When was Blinken's trip cancelled?",
        "How old was Jane Goodall when she died?",
        "What did Blinken say he discussed with Qin Gang on the phone?",
        "What did the Education Department do to its Office of Special Education?",
        "Who won the 2025 Nobel Peace Prize?",
    ],
)
def test_a_full_question_stands_on_its_own(question):
    assert leans_on_context(question) is None


def test_a_pronoun_follow_up_carries_the_name_and_the_place():
    reading = read_question("and when did he arrive?", BLINKEN)
    assert reading.follow_up
    assert reading.read_as == "when did Blinken arrive (in Beijing, meet)?"


def test_a_pronoun_for_the_earlier_answer_takes_the_answer_name():
    earlier = Turn("who replaces him?", "who replaces Christian Horner?", None, "Laurent Mekies")
    reading = read_question("when is his debut?", earlier)
    assert reading.read_as.startswith("when is Laurent Mekies's debut")


def test_a_topic_change_is_read_as_it_is():
    question = "Who was fired as Red Bull's Formula 1 team principal?"
    reading = read_question(question, BLINKEN)
    assert not reading.follow_up
    assert reading.read_as == question


def test_what_about_carries_the_earlier_question():
    reading = read_question("what about Taiwan?", BLINKEN)
    assert reading.follow_up
    assert "Blinken" in reading.read_as and "Taiwan" in reading.read_as


def test_what_about_a_date_swaps_the_earlier_date():
    earlier = Turn(
        "How many Chinese fighters entered Taiwan's air defence zone on December 22?",
        "How many Chinese fighters entered Taiwan's air defence zone on December 22?",
    )
    reading = read_question("what about on December 26?", earlier)
    assert reading.read_as == (
        "how many Chinese fighters entered Taiwan's air defence zone on December 26?"
    )


def test_a_bare_why_takes_the_earlier_question_words():
    earlier = Turn("where did they meet?", "where did Gina Raimondo and Wang Wentao meet?")
    assert read_question("and why?", earlier).read_as == (
        "why did Gina Raimondo and Wang Wentao meet?"
    )


def test_a_standalone_full_question_is_read_as_is_even_after_a_turn():
    question = "What did Qin Gang blame the US for?"
    assert read_question(question, BLINKEN).read_as == question


def test_an_empty_question_is_never_filled_from_the_turn_before():
    assert not read_question("?", BLINKEN).follow_up


def test_a_conversation_asks_the_question_as_read_keeps_the_as_of_and_sets_read_as():
    asked: list[tuple[str, dt.date | None]] = []

    def ask(question: str, *, k: int | None = None, as_of: dt.date | None = None) -> Answer:
        asked.append((question, as_of))
        return _answer(question, "Blinken met Qin Gang in Beijing on Sunday.", (12, 20))

    talk = Conversation()
    first = talk.ask(ask, "Who did Blinken meet in Beijing?", as_of=dt.date(2023, 6, 20))
    second = talk.ask(ask, "how long did they talk?", as_of=None)
    assert first.read_as is None
    assert second.question == "how long did they talk?"
    assert second.read_as is not None and "Qin Gang" in second.read_as
    assert asked[1] == (second.read_as, dt.date(2023, 6, 20))  # the earlier as-of is kept
    assert second.to_json()["read_as"] == second.read_as
    assert "read_as" not in first.to_json()


def test_a_conversation_without_context_or_after_reset_reads_each_question_alone():
    talk = Conversation(context=False)
    talk.record(read_question("Who did Blinken meet in Beijing?", None), _answer("q", "x"))
    assert not talk.read("and when did he arrive?").follow_up
    talk = Conversation()
    talk.record(read_question("Who did Blinken meet in Beijing?", None), _answer("q", "x"))
    talk.reset()
    assert not talk.read("and when did he arrive?").follow_up


def test_conversations_keep_the_most_recent_only():
    kept = Conversations(limit=2)
    for key in (1, 2, 3):
        kept.keep(key, Conversation())
    assert kept.get(1) is None and kept.get(3) is not None


def test_he_stands_for_no_one_read_as_a_woman():
    earlier = Turn(
        "by how much did she say Maduro lost the election?",
        "by how much did Maria Corina Machado say Maduro lost the election?",
        referents=(("she", "Maria Corina Machado"),),
    )
    assert read_question("who beat him?", earlier).read_as.startswith("who beat Maduro")


def test_a_pronoun_for_a_person_passes_over_a_newsroom():
    earlier = Turn("Why did ABC pull Jimmy Kimmel's show?", "Why did ABC pull Jimmy Kimmel's show?")
    reading = read_question("when does his contract end?", earlier)
    assert reading.read_as.startswith("when does Jimmy Kimmel's contract end")


@pytest.mark.parametrize("words", ["New York State", "Vice President", "Special Education"])
def test_answer_words_that_name_a_body_or_a_title_stand_for_no_person(words):
    earlier = Turn(
        "Who won the New York City mayoral election?",
        "Who won the New York City mayoral election?",
        answer_words=words,
    )
    assert words not in read_question("where was he born?", earlier).read_as


def test_her_with_a_noun_after_a_role_is_the_role_holders():
    earlier = Turn("Where was Trump's mother born?", "Where was Trump's mother born?")
    assert read_question("what was her name?", earlier).read_as.startswith(
        "what was Trump's mother's name"
    )


def test_she_goes_on_standing_for_the_woman_the_turn_before_was_about():
    earlier = Turn(
        "who is her mother?",
        "who is Chloe Malle's mother?",
        answer_words="Candice Bergen",
        referents=(("her", "Chloe Malle"),),
    )
    reading = read_question("when did she join Vogue?", earlier)
    assert reading.read_as.startswith("when did Chloe Malle join Vogue")
    assert reading.referents == (("she", "Chloe Malle"),)


def test_who_else_carries_the_event_and_not_the_person_it_asks_past():
    earlier = Turn(
        "How much is Michael Dell contributing to the Trump accounts for children?",
        "How much is Michael Dell contributing to the Trump accounts for children?",
    )
    reading = read_question("who else was on hand for the announcement?", earlier)
    assert reading.follow_up
    assert "Michael Dell" not in reading.read_as and "Trump" in reading.read_as


def test_the_answer_to_who_is_the_person_named_not_a_title_in_bold():
    text = "U.S. Vice President JD Vance met British Foreign Secretary David Lammy on Friday."
    start = text.index("Vice President")
    answer = _answer("Who did JD Vance meet?", text, (start, start + len("Vice President")))
    assert (answer_words(answer) or "").endswith("David Lammy")


def test_a_sentence_opening_adverb_is_no_answer_to_who():
    text = "Additionally, they welcomed students. Blinken extended an invitation to Qin Gang."
    assert answer_words(_answer("Who did Blinken invite?", text)) == "Qin Gang"
