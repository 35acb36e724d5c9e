import pytest

from index import EmptyQuestion, QuestionTooLong
from retrieval import check_question, question_kind
from retrieval.cues import find_cue


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was Blinken's trip cancelled?", "when"),
        ("what year did biden take office", "when"),
        ("Who shot down the balloon?", "who"),
        ("How many fighters entered the zone?", "number"),
        ("how much aid does the law give", "number"),
        ("Where was the G20 summit held?", "where"),
        ("Which city was the report datelined from?", "where"),
        ("What did Qin urge the US to respect?", None),
        ("Why did the trip get called off?", None),
    ],
)
def test_question_kind_from_wording(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "found"),
    [
        ("when", "In February, Blinken canceled a trip to Beijing.", "February"),
        ("when", "On December 25, China conducted exercises.", "December 25"),
        ("when", "The meeting concluded on Sunday evening.", "Sunday evening"),
        ("number", "The zone included 21 fighters and four H-6 bombers.", "21"),
        ("number", "The talks lasted for five and a half hours.", "five"),
        ("who", "The spokesman Matthew Miller said so.", "Matthew Miller"),
        ("where", "Raimondo met Wang Wentao in Washington to discuss trade.", "Washington"),
    ],
)
def test_cue_finds_the_expression_a_question_asks_for(kind, sentence, found):
    match = find_cue(kind, sentence, frozenset())
    assert match is not None
    assert found in match.group()


def test_cue_made_of_question_words_does_not_count():
    assert find_cue("who", "Joe Biden spoke.", frozenset({"joe", "biden"})) is None


def test_number_cue_ignores_digits_inside_names():
    assert find_cue("number", "Leaders met at the G20 summit.", frozenset()) is None


@pytest.mark.parametrize("raw", ["", "   ", "😀😀😀", "<@123456> @everyone", "**__~~**"])
def test_question_without_words_is_refused_with_a_hint(raw):
    with pytest.raises(EmptyQuestion, match="ask a question"):
        check_question(raw, max_chars=500)


def test_over_long_question_is_refused_naming_the_limit():
    with pytest.raises(QuestionTooLong, match="500"):
        check_question("why " * 2500, max_chars=500)


def test_mentions_and_markdown_are_not_searched_but_kept_for_echo():
    raw = "<@&42> **When** was the `trip` cancelled? @everyone"
    checked = check_question(raw, max_chars=500)
    assert checked.original == raw
    assert "@everyone" not in checked.text and "<@&42>" not in checked.text
    assert "*" not in checked.text and "`" not in checked.text
    assert checked.kind == "when"
