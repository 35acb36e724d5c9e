import pytest

from kernel.errors import EmptyQuestion, QuestionTooLong
from retrieval import check_question
from retrieval.cues import find_cue, find_measure, find_since, find_speech, speaks_of_future
from retrieval.question import question_kind


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
        ("when", "Pompeo visited China in October 2018.", "October 2018"),
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


@pytest.mark.parametrize("raw", ["", "   ", "😀😀😀", "**__~~**", "?!"])
def test_question_without_words_is_refused_with_a_hint(raw):
    with pytest.raises(EmptyQuestion, match="ask a question"):
        check_question(raw, max_chars=500)


def test_over_long_question_is_refused_naming_the_limit():
    with pytest.raises(QuestionTooLong, match="500"):
        check_question("why " * 2500, max_chars=500)


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("At what altitude was the balloon flying?", "length"),
        ("How far off the coast were the exercises held?", "length"),
        ("How much did the balloon weigh?", "weight"),
        ("What is the GDP of Taiwan?", "money"),
        ("how much money did the law set aside", "money"),
        ("What percentage of voters backed him?", "percent"),
        ("How fast was the jet flying?", "speed"),
        ("What is the population of Taiwan?", "population"),
        ("How many fighters entered the zone?", None),
        ("When did the price of oil rise?", None),  # asks for a date, not a price
        ("What was the cost of the new bridge?", "money"),
    ],
)
def test_measure_questions_ask_for_a_unit(question, unit):
    checked = check_question(question, max_chars=500)
    assert checked.unit == unit
    if unit is not None:
        assert checked.kind == "number"


@pytest.mark.parametrize(
    "question",
    [
        "Which tech company cut 9,000 jobs as part of cost-reduction measures?",
        "Why did the director say he made his low-budget film?",
        "According to the Congressional Budget Office, which benefits will people lose?",
    ],
)
def test_a_unit_word_in_a_compound_or_a_name_asks_for_no_measure(question):
    checked = check_question(question, max_chars=500)
    assert (checked.unit, checked.kind) == (None, None)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("What did Xi Jinping tell Blinken during their meeting?", "Xi Jinping"),
        ("what did wang yi say to blinken", "wang yi"),
        ("What did China's foreign ministry say?", "China's foreign ministry"),
        ("What did they say?", None),  # no one is named
        ("What did Qin urge the US to respect?", None),
    ],
)
def test_what_did_x_say_questions_name_their_speaker(question, speaker):
    assert check_question(question, max_chars=500).speaker == speaker


@pytest.mark.parametrize(
    ("unit", "passage", "found"),
    [
        ("length", "The balloon flew at about 60,000 feet over Montana.", "60,000 feet"),
        ("length", "A 20-mile exclusion zone was set.", "20-mile"),
        ("weight", "The payload weighed two tons.", "two tons"),
        ("money", "Taiwan's economy is worth $790 billion.", "$790 billion"),
        ("percent", "Efficiency reaches some 27-30% on such engines.", "27-30%"),
        ("percent", "The Amazon is over half of the remaining rainforest.", "half"),
        ("population", "The population of the town was estimated at 2,000.", "2,000"),
    ],
)
def test_measure_is_a_number_in_the_asked_unit(unit, passage, found):
    match = find_measure(unit, passage)
    assert match is not None and found in match.group()


@pytest.mark.parametrize(
    ("unit", "passage"),
    [
        ("length", "On February 4, an American fighter jet shot down the balloon."),
        ("money", "Seventy-one aircraft entered the zone."),
        ("weight", "The talks lasted five and a half hours."),
    ],
)
def test_a_number_in_another_unit_is_not_a_measure(unit, passage):
    assert find_measure(unit, passage) is None


def test_strict_count_is_not_the_day_of_a_date():
    sentence = "On February 4, an American fighter jet shot down the balloon."
    assert find_cue("number", sentence, frozenset(), strict=True) is None
    assert find_cue("number", "In 2021 there were 4 balloons.", frozenset(), strict=True)


def test_speech_needs_the_speaker_near_a_reporting_word():
    said = "“It is clear who is responsible,” Qin said, according to a transcript."
    met = "Blinken may have further meetings with Wang Yi or even with President Xi Jinping."
    assert find_speech("Qin", said)
    assert not find_speech("Xi Jinping", met)
    assert not find_speech("Pelosi", said)


def test_a_since_date_says_how_long():
    assert find_since("The crown has been closed since September 11, 2001.", frozenset())
    assert not find_since("Pompeo visited China in October 2018.", frozenset())


@pytest.mark.parametrize(
    ("question", "future"),
    [
        ("On what date will Qin Gang visit the United States?", True),
        ("where will the talks be held", True),
        ("When did Blinken visit Beijing?", False),
        ("What will the law change?", False),  # only when/where questions
    ],
)
def test_when_and_where_will_questions_ask_about_the_future(question, future):
    assert check_question(question, max_chars=500).future is future


def test_future_needs_a_passage_that_looks_ahead():
    assert speaks_of_future("Blinken will visit China this week.")
    assert speaks_of_future("On Monday, Blinken may have further meetings with Wang Yi.")
    assert not speaks_of_future("Blinken met Qin in Beijing on Sunday.")


# Each answer-type rule, with the case it must not take (a negative test per rule).


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How long ago did the balloon cross the coast?", "when"),
        ("How long did the talks last?", "number"),
        ("Who won how many medals?", "who"),
        ("How many people did who arrest?", "number"),
    ],
)
def test_the_first_question_word_decides_and_the_longer_wins_a_tie(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Xi said the talks were candid.", "Xi"),
        ("The talks were candid, President Xi told reporters.", "President Xi"),
        ("The spokesman Matthew Miller said so.", "Matthew Miller"),
    ],
)
def test_names_of_one_word_count_after_a_title_or_before_a_speech_verb(sentence, name):
    match = find_cue("who", sentence, frozenset())
    assert match is not None and match.group() == name


@pytest.mark.parametrize(
    "sentence",
    ["The President arrived late.", "In February the talks stopped.", "On Sunday Beijing slept."],
)
def test_sentence_openers_and_dates_are_not_names(sentence):
    assert find_cue("who", sentence, frozenset()) is None


def test_a_month_after_in_is_a_date_not_a_place():
    assert find_cue("where", "The talks resumed in January.", frozenset()) is None
    match = find_cue("where", "The talks resumed in Geneva.", frozenset())
    assert match is not None and match.group(1) == "Geneva"


def test_could_not_be_reached_is_not_the_future_and_may_the_month_neither():
    assert not speaks_of_future("The ministry could not be reached for comment.")
    assert not speaks_of_future("In May, the ministry closed the office.")
    assert speaks_of_future("The ministry may close the office.")


@pytest.mark.parametrize(
    ("unit", "passage", "found"),
    [
        ("length", "She won the 800m final.", "800m"),
        ("money", "The club paid £35m for him.", "£35"),
        ("population", "Some 3 million people live there.", "3 million"),
    ],
)
def test_m_and_million_take_their_meaning_from_the_sign(unit, passage, found):
    match = find_measure(unit, passage)
    assert match is not None and found in match.group()


@pytest.mark.parametrize(
    ("unit", "passage"),
    [
        ("length", "The club paid £35m for him."),
        ("population", "The bridge cost $3 million."),
        ("money", "Some 3 million people live there."),
    ],
)
def test_a_sum_is_no_length_or_head_count_and_a_head_count_no_sum(unit, passage):
    assert find_measure(unit, passage) is None


def test_what_someone_wrote_is_not_held_to_the_said_check():
    assert check_question("What did Qin write in the letter?", max_chars=500).speaker is None
    assert check_question("What did Qin tell Blinken?", max_chars=500).speaker == "Qin"
