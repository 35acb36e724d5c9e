"""Cleaning: boilerplate never reaches the index, broken sentences are rejoined, text stays."""

from __future__ import annotations

from functools import cache

import pytest

from index import split_sentences
from index.cleaning import CleanText, clean_body
from index.loaders import SkippedFile, load_file
from tests.conftest import CORPUS


@cache
def _cleaned(stem: str) -> CleanText:
    skipped: list[SkippedFile] = []
    [article] = load_file(CORPUS / f"{stem}.md", skipped)
    return clean_body(article.body, article.title)


def _sentences(stem: str) -> list[str]:
    text = _cleaned(stem).text
    return [text[s.start : s.end] for s in split_sentences(text)]


S000 = "000_190c1551813176d7"
S001 = "001_6bfe9bbd82f5b990"
S002 = "002_b693ecef4805a897"
S003 = "003_c5a62ef91915473f"
S004 = "004_ed5ff4a95a8e6520"


@pytest.mark.parametrize(
    ("stem", "boilerplate"),
    [
        (S000, "Read also"),
        (S000, 'China once again called Russia\'s war in Ukraine a "crisis"'),
        (S000, "With aviation and missile and artillery fire"),
        (S000, "the expert told what the dictator asked"),
        (S001, "June 21, 2024"),
        (S001, "Updated on 06/14/2023 at 12:11 pm"),
        (S001, "China blames US for “new problems”."),
        (S001, "International Relations"),
        (S001, "More important news"),
        (S001, "See also"),
        (S001, "Prince Harry seems completely enamored with Canada"),
        (S002, "Source: DN"),
        (S003, "Home »"),
        (S003, "by admin"),
        (S003, "Blinken talks with Chinese foreign minister ahead of possible visit to Beijing"),
        (S003, "See also"),
        (S003, "An explosive civilian orphan"),
        (S003, "You may also like"),
        (S003, "Leave a Comment"),
        (S003, "Akismet"),
        (S003, "Learn how your comment data is processed"),
        (S003, "This website uses cookies"),
        (S003, "opt-out if you wish"),
        (S003, "Privacy & Cookies Policy"),
        (S004, "Chinese Foreign Minister Stresses Concern as US-China Relations Hit All-Time Low"),
        (S004, "by worldysnews"),
        (S004, "0 comment"),
        (S004, "Photo Reuters"),
        (S004, "Antony Blinken arrives in Beijing."),
        (S004, "Source: EFE and AP"),
        (S004, "You may also like"),
        (S004, "Leave a Comment"),
        (S004, "Wrodlys News"),
    ],
)
def test_boilerplate_of_the_bundled_articles_is_cleaned_away(stem, boilerplate):
    assert boilerplate not in _cleaned(stem).text


@pytest.mark.parametrize(
    ("stem", "sentence"),
    [
        (S000, "has expressed interest in improving bilateral relations with the United States."),
        (
            S000,
            'According to him, the Chinese authorities do not want to "choose between friends" '
            "— Ukraine and Russia.",
        ),
        (
            S000,
            "This Chinese incursion into Taiwan's air defense zone is the largest recorded "
            "incursion.",
        ),
        (
            S001,
            "Chinese Foreign Minister Qin Gang has blamed the US for “new difficulties and "
            "challenges” in relations between the two countries.",
        ),
        (
            S001,
            "Blinken is expected to hold talks in China on Sunday after a planned trip in "
            "February was cancelled.",
        ),
        (
            S001,
            "This is Blinken’s first visit to Beijing since US Secretary of State Mike Pompeo’s "
            "visit to China in October 2018.",
        ),
        (S001, "Beijing feigned ignorance and criticized Washington’s Cuba policy."),
        (
            S002,
            "In February, Blinken canceled a trip to Beijing after US authorities shot down a "
            "Chinese balloon, allegedly used for espionage, over US territory.",
        ),
        (
            S002,
            "Relations between Beijing and Washington have deteriorated rapidly in recent years "
            "due to a trade and technology war, disputes over human rights, the status of Hong "
            "Kong and Taiwan, or the sovereignty of the South China Sea.",
        ),
        (
            S003,
            "TAIPEI, Taiwan (AP) — US Secretary of State Antony Blinken and Chinese Foreign "
            "Minister Qin Gang shared concerns during a phone conversation Wednesday",
        ),
        (
            S003,
            "The official canceled a trip to Beijing in February after an alleged Chinese spy "
            "balloon flew over US territory.",
        ),
        (
            S003,
            "In May, US Commerce Secretary Gina Raimondo met with her counterpart, Wang Wentao, "
            "in Washington to discuss trade.",
        ),
        (
            S004,
            "Chinese Foreign Minister Qin Gang expressed his concerns about the current state "
            "of China-US relations during a meeting with US Secretary of State Antony Blinken "
            "in Beijing.",
        ),
        (
            S004,
            "During the meeting, both parties engaged in a long, frank, deep, and constructive "
            "dialogue",
        ),
        (
            S004,
            "Now, the US Secretary of State finally arrived in China to address the pressing "
            "issues between the two nations.",
        ),
    ],
)
def test_real_sentences_of_the_bundled_articles_survive_cleaning(stem, sentence):
    assert sentence in _cleaned(stem).text


@pytest.mark.parametrize(
    ("stem", "agency"),
    [(S000, None), (S001, None), (S002, "DN"), (S003, None), (S004, "EFE and AP")],
)
def test_trailing_source_line_becomes_the_agency(stem, agency):
    assert _cleaned(stem).agency == agency


@pytest.mark.parametrize(
    "sentence",
    [
        "Earlier, China's ambassador to the European Union, Fu Kong, said that Russia's "
        'full-scale invasion of Ukraine put China "in a very difficult position"',
        "In turn, the US said that China's claims of neutrality in the Russian Federation's war "
        "against Ukraine contradict real actions, which on the contrary show that Beijing "
        "continues to build close ties with Moscow.",
        "Their relations intensified after the visit of the Speaker of the US House of "
        "Representatives, Nancy Pelosi , in August 2022.",
        "Joe Biden emphasized that the United States will defend the island of Taiwan in the "
        "event of a Chinese invasion.",
        "On December 22, Chinese planes entered the southeastern air defense zone of Taiwan, and "
        "Taiwanese aircraft were lifted into the air.",
        "And on December 26, the authorities of Taiwan announced that seventy-one aircraft and "
        "drones of the Chinese Air Force, including fighter jets , had entered the identification "
        "zone of its air defense forces during the day .",
    ],
)
def test_sentence_broken_across_lines_is_one_sentence_again(sentence):
    assert sentence in _sentences(S000)


@pytest.mark.parametrize(
    ("heading", "next_sentence"),
    [
        (
            "Relations between China and the United States",
            "On the other hand, tensions between China and the United States do not subside due "
            "to the situation around Taiwan, which Beijing considers its territory.",
        ),
    ],
)
def test_heading_is_not_glued_to_the_next_paragraph(heading, next_sentence):
    sentences = _sentences(S000)

    assert heading in sentences
    assert sentences[sentences.index(heading) + 1] == next_sentence


@pytest.mark.parametrize(
    "body",
    [
        "Home » News » World\n",
        "News › Politics › Europe\n",
        "by admin\n",
        "By Morag Innes\n",
        "12 Comments\n",
        "June 21, 2024\n",
        "Updated on 06/14/2023 at 12:11 pm\n",
        "Published: 3 March 2024, 09:15 GMT\n",
        "Tuesday, March 12, 2024\n",
        "More important news\n",
        "See also  Prince Harry seems completely enamored with Canada\n",
        "Read more: Storm warnings across the north\n",
        "This website uses cookies to improve your experience. Accept Read More\n",
        "We use cookies to personalise content and ads. Accept all cookies\n",
        "Privacy & Cookies Policy\n",
        "The harbour in the storm. Photo Reuters\n",
        "Photo: AP\n",
        "Share this article\n",
        "Advertisement\n",
        "Skip to main content\n",
    ],
)
def test_boilerplate_line_is_dropped_wherever_it_stands(body):
    story = (
        "The council approved the harbour budget on Monday after a long debate.\n\n"
        f"{body}\n"
        "Work on the new breakwater will start in the spring, the council said.\n"
    )

    assert clean_body(story).text == (
        "The council approved the harbour budget on Monday after a long debate.\n\n"
        "Work on the new breakwater will start in the spring, the council said."
    )


@pytest.mark.parametrize(
    "footer",
    [
        "Read also:\n\n • Floods close the coast road\n\n • Ferry timetable changes",
        "You may also like\n\nFloods close the coast road\n\nFerry timetable changes",
        "Leave a Comment\n\nYour email address will not be published.\n\nSave my name, email, "
        "and website in this browser for the next time I comment.\n\nPost Comment",
        "Leave a Reply Cancel reply\n\nComment\n\nName\n\nEmail",
        "Related stories\n\nFloods close the coast road",
    ],
)
def test_footer_block_is_cut_off_with_everything_after_it(footer):
    story = (
        "The council approved the harbour budget on Monday after a long debate about the costs "
        "of repairs. Work on the new breakwater will start in the spring, the council said, and "
        "should be finished before the winter storms arrive on the north-east coast.\n\n"
    )

    assert clean_body(story + footer).text == story.strip()


@pytest.mark.parametrize(
    "sentence",
    [
        "The runners finished in a photo finish, a hundredth of a second apart.",
        "The game firm asked people to bring along a piece of photo identification.",
        "It was also one of the most bizarre photo opportunities of recent years.",
        "Regulators said websites must offer an opt-out before they place cookies, a policy "
        "that takes effect in May.",
        "The bakery sells cookies by the pound, an experience customers love.",
        "Watch as plane avoids crash » Airline spokesman Wolfgang Weber said the wing touched "
        "the ground.",
        "Related to the budget, the council also approved a new ferry contract.",
    ],
)
def test_news_sentence_that_looks_like_boilerplate_is_kept(sentence):
    story = f"The council met on Monday.\n\n{sentence}\n\nIt will meet again in June."

    assert sentence in clean_body(story).text


def test_headline_without_full_stop_is_not_glued_to_the_next_paragraph():
    story = "Katie Hobbs urges students in Tempe to vote\n\nPHOENIX - Katie Hobbs spoke on Monday."

    assert clean_body(story).text == (
        "Katie Hobbs urges students in Tempe to vote\n\nPHOENIX - Katie Hobbs spoke on Monday."
    )


def test_title_repeated_at_the_top_of_the_body_is_dropped():
    story = "Storm closes harbour\n\nThe harbour was closed on Tuesday after the storm hit."

    assert clean_body(story, "Storm closes harbour").text == (
        "The harbour was closed on Tuesday after the storm hit."
    )


def test_spacing_and_invisible_characters_are_normalised():
    story = "The\u00a0harbour  was\tclosed\u200b on Tuesday.\r\n"

    assert clean_body(story).text == "The harbour was closed on Tuesday."
