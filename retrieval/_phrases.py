"""The words of a follow-up question with their spans: its names, its own words, its pronouns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from language import (
    AUXILIARIES,
    CARRIED_PREPOSITIONS,
    CLAUSE_OPENERS,
    DEMONSTRATIVE_VERBS,
    DEMONSTRATIVES,
    EXISTENTIAL_VERBS,
    HER,
    NAME_JOINERS,
    NOT_NAMES,
    PERSON_POSSESSIVES,
    PERSON_PRONOUNS,
    QUESTION_WORD_PARTS,
    SPEECH_OPENERS,
    STOPWORDS,
    THERE,
    THING_PRONOUNS,
    WH_WORDS,
)

_WORD = re.compile(r"\w(?:[\w'’&.-]*\w)?")
_TAIL = re.compile(r"[\s?!.]+$")
POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Word:
    """One word of a text and where it stands."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def find_words(text: str) -> list[Word]:
    """The words of `text`, in order."""
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def is_name_word(word: Word, position: int) -> bool:
    """A capitalised word that is not a question word, an auxiliary or a stopword opening
    the question."""
    if not word.text[0].isupper() and not (word.text[0].isdigit() and position > 0):
        return False
    low = POSSESSIVE.sub("", word.low)
    if low in NOT_NAMES:
        return False
    return not (position == 0 and (low in STOPWORDS or low in WH_WORDS or low in AUXILIARIES))


@dataclass(frozen=True)
class Phrase:
    """A run of capitalised words (a name, a place, a date) and where it stands."""

    text: str
    start: int
    end: int
    preposition: str | None  # the preposition opening it ("in" of "in Beijing"), if any
    article: bool = False  # "the" before it: "the Pentagon", "the Nobel committee"

    @property
    def carried(self) -> str:
        return f"{self.preposition} {self.text}" if self.preposition else self.text


def find_names(text: str) -> list[Phrase]:
    """The runs of capitalised words (names, places, dates, with "of", "&" and the like
    inside, never across punctuation), each with the preposition before it."""
    words = find_words(text)
    phrases: list[Phrase] = []

    def joined(a: int, b: int) -> bool:  # nothing but spaces (or an initial's dot) between
        gap = text[words[a].end : words[b].start].strip()
        return not gap or (gap == "." and len(words[a].text) <= 3)

    n = 0
    while n < len(words):
        if not is_name_word(words[n], n) or words[n].text[0].isdigit():
            n += 1
            continue
        first = last = n
        n += 1
        while n < len(words) and joined(n - 1, n) and not POSSESSIVE.search(words[n - 1].text):
            if is_name_word(words[n], n):
                last = n
                n += 1
            elif (
                words[n].low in NAME_JOINERS
                and n + 1 < len(words)
                and joined(n, n + 1)
                and words[n + 1].text[0].isupper()
            ):
                n += 1
            else:
                break
        before = first - 1
        article = before >= 0 and words[before].low == "the" and joined(before, first)
        if article:
            before -= 1
        preposition = words[before].low if before >= 0 and joined(before, before + 1) else None
        start = words[first - 1].start if article else words[first].start
        phrases.append(
            Phrase(
                text[start : words[last].end],
                start,
                words[last].end,
                preposition if preposition in CARRIED_PREPOSITIONS else None,
                article,
            )
        )
    return phrases


def own_words(text: str) -> list[str]:
    """The question's words that carry meaning: no stopwords, question words or auxiliaries."""
    return [
        w.text
        for w in find_words(text)
        if w.low not in STOPWORDS
        and w.low not in WH_WORDS
        and w.low not in AUXILIARIES
        and w.low not in QUESTION_WORD_PARTS
    ]


def has_name(text: str) -> bool:
    """Whether `text` names someone or something (a number alone is no name)."""
    return any(not p.text[0].isdigit() for p in find_names(text))


def find_pronouns(text: str) -> list[Word]:
    """The pronouns of the question that stand for something outside it."""
    words = find_words(text)
    found = []
    names_before = False
    for n, word in enumerate(words):
        low = word.low
        before = words[n - 1].low if n else ""
        after = words[n + 1].low if n + 1 < len(words) else ""
        person = low in PERSON_PRONOUNS or low in PERSON_POSSESSIVES or low == HER
        if person or low in THING_PRONOUNS:
            # "How old was Jane Goodall when she died?": the name is in the question itself
            opens_clause = before in CLAUSE_OPENERS or (person and before in SPEECH_OPENERS)
            possessive = low in PERSON_POSSESSIVES or low == "its"
            if names_before and (opens_clause or possessive):
                continue
            found.append(word)
        elif (
            low in DEMONSTRATIVES
            and (
                n + 1 == len(words) or after in DEMONSTRATIVE_VERBS or before in DEMONSTRATIVE_VERBS
            )
        ) or (low == THERE and before not in EXISTENTIAL_VERBS and after not in EXISTENTIAL_VERBS):
            found.append(word)
        if is_name_word(word, n):
            names_before = True
    return found


def is_fragment(rest: str) -> bool:
    """Words with no question word or verb of their own to open them ("bombers", "in Cuba")."""
    words = find_words(rest)
    return bool(words) and words[0].low not in WH_WORDS and words[0].low not in AUXILIARIES


def question_body(text: str) -> str:
    """The question without its closing marks."""
    return _TAIL.sub("", text.strip())


def split_read_as(read_as: str) -> tuple[str, str]:
    """A question as read: its body ("when did Blinken arrive") and what was carried over
    in brackets ("Beijing, meet"), or "" when nothing was."""
    body = question_body(read_as)
    if body.endswith(")") and " (" in body:
        head, _, carried = body.rpartition(" (")
        return head, carried[:-1]
    return body, ""


def join_read_as(body: str, carried: str) -> str:
    """The question as read from its body and what is carried over (`split_read_as` undone)."""
    return f"{body} ({carried})?" if carried else f"{body}?"


def bare_words(text: str) -> set[str]:
    """The lower-cased words of `text`, possessives aside."""
    return {POSSESSIVE.sub("", w.low) for w in find_words(text)}


def contains_words(text: str, phrase: str) -> bool:
    """Whether every word of `phrase` is in `text` (possessives aside)."""
    return bare_words(phrase) <= bare_words(text)
