"""Who a follow-up's pronouns stand for, read from the turn before: the people and the place
it names, who of them is a man or a woman ("he" stands for no woman, "she" for no man,
neither for a body or a place), and the words its answer gave."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from language import (
    FEMALE_PRONOUNS,
    FEMALE_WORDS,
    HER,
    INSTITUTION_WORDS,
    MALE_PRONOUNS,
    MALE_WORDS,
    MONTH_NAMES,
    PERSON_POSSESSIVES,
    PERSON_PRONOUNS,
    ROLE_WORDS,
    STOPWORDS,
    THERE,
    TITLE_WORDS,
    WEEKDAY_NAMES,
    WH_WORDS,
)
from retrieval._phrases import (
    POSSESSIVE,
    Phrase,
    bare_words,
    contains_words,
    find_names,
    find_pronouns,
    find_words,
    split_read_as,
)
from retrieval.answer import Answer
from retrieval.question import question_kind

_ROLE = re.compile(r"\s+(?:" + "|".join(ROLE_WORDS) + r")\b", re.I)
_CALENDAR = frozenset(w.lower() for w in (*MONTH_NAMES, *WEEKDAY_NAMES))
_ROLE_OF = re.compile(r"['’]s" + _ROLE.pattern, re.I)  # "Nestlé's chief executive"
_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+|\n+")
_NAME_WORDS = 5  # an answer's words longer than this are no name


@dataclass(frozen=True)
class Turn:
    """One question of a conversation as it was read and answered."""

    question: str
    read_as: str
    as_of: dt.date | None = None
    # The words that answered it (the lead, the bold span, or a name from its first quote).
    answer_words: str | None = None
    # The first quote of its answer: who it says is a man or a woman ("… met with her …").
    answer_text: str | None = None
    # What its pronouns were read as, each (pronoun, replacement): ("she", "Jane Goodall").
    referents: tuple[tuple[str, str], ...] = ()


def _name_like(words: str | None) -> bool:
    """Answer words that can be a pronoun's referent: a short run of capitalised words."""
    if not words or len(words.split()) > _NAME_WORDS:
        return False
    found = find_names(words)
    return len(found) == 1 and found[0].text == words and not any(c.isdigit() for c in words)


def _key(word: str) -> str:
    return POSSESSIVE.sub("", word.lower()).rstrip(".")


def named_person(name: str) -> str | None:
    """The person a capitalised phrase names: its words after any office, title or body
    ("US Secretary of State Mike Pompeo" is "Mike Pompeo"), or the phrase itself when it is
    someone's role ("Nestlé's chief executive"); None when it names a body, a place or
    nobody in particular ("Education Department", "Vice President", "ABC")."""
    if _ROLE_OF.search(name):
        return name
    words = find_words(POSSESSIVE.sub("", name))
    cut = 0
    for n, word in enumerate(words):
        key = _key(word.text)
        if key in TITLE_WORDS or key in INSTITUTION_WORDS or key in _CALENDAR:
            cut = n + 1
    rest = words[cut:]
    if not rest or not rest[0].text[0].isupper() or any(c.isdigit() for c in name):
        return None
    if all(w.text.isupper() and len(w.text) > 1 for w in rest):  # an acronym: ABC, CCTV
        return None
    return name[rest[0].start : rest[-1].end]


def _gender(person: str, known: dict[str, str]) -> str | None:
    """ "m" or "f" when the name's own words or the text around it say so, else None."""
    words = {_key(w.text) for w in find_words(person)}
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return None if _ROLE_OF.search(person) else known.get(_surname(person))


def _surname(person: str) -> str:
    words = find_words(person)
    return _key(words[-1].text) if words else ""


def _pronoun_gender(low: str) -> str | None:
    if low in MALE_PRONOUNS:
        return "m"
    return "f" if low in FEMALE_PRONOUNS else None


def _genders(previous: Turn) -> dict[str, str]:
    """Who the turn before says is a man or a woman: what its pronouns were read as
    ("she" read as Jane Goodall), and in its question and first quote each "he" or "she"
    after exactly one person named before it in its sentence ("Machado spoke out, saying
    she could prove…"). A name said to be both is neither."""
    known: dict[str, str] = {}
    clashes: set[str] = set()

    def note(person: str, gender: str) -> None:
        key = _surname(person)
        if known.setdefault(key, gender) != gender:
            clashes.add(key)

    for pronoun, name in previous.referents:
        if (gender := _pronoun_gender(pronoun)) and (person := named_person(name)):
            note(person, gender)
    for text in (previous.read_as, previous.answer_text or ""):
        for sentence in _SENTENCE.split(text):
            named = [
                (p.end, person) for p in find_names(sentence) if (person := named_person(p.text))
            ]
            for word in find_words(sentence):
                gender = _pronoun_gender(word.low) if word.low in {"he", "she"} else None
                before = {person for end, person in named if end <= word.start}
                if gender is not None and len(before) == 1:
                    note(before.pop(), gender)
    return {key: gender for key, gender in known.items() if key not in clashes}


def _agrees(candidate: str, pronoun: str, known: dict[str, str]) -> bool:
    """Whether a person's pronoun can stand for `candidate`: "he" and "she" for a person
    not known to be of the other sex, "they" for anyone."""
    if pronoun in {"they", "them", "their"}:
        return True
    if named_person(candidate) is None:
        return False
    gender = _gender(candidate, known)
    wanted = _pronoun_gender(pronoun)
    return gender is None or wanted is None or gender == wanted


def _people(previous: Turn, question: str) -> list[str]:
    """Who a person's pronoun may stand for, most likely first: the earlier answer when it
    names someone (unless the earlier question was itself about a person by a possessive:
    "who is her mother?" keeps "her"), then the names of the earlier question outside a
    place or date phrase and not after "the"; none that the question names itself."""
    names: list[str] = []
    body, carried = split_read_as(previous.read_as)
    earlier = f"{body}, {carried}" if carried else body
    for phrase in find_names(earlier):
        if phrase.preposition in {"in", "at", "on", "since", "during"}:
            continue
        if phrase.article or any(c.isdigit() for c in phrase.text):
            continue
        role = _ROLE.match(earlier, phrase.end) if POSSESSIVE.search(phrase.text) else None
        names.append(
            earlier[phrase.start : role.end()] if role else POSSESSIVE.sub("", phrase.text)
        )
    answer = [previous.answer_words] if _name_like(previous.answer_words) else []
    earlier_kind = question_kind(previous.read_as)
    if earlier_kind in ("when", "number", "where"):
        answer = []
    about_person = any(
        w.low in PERSON_POSSESSIVES or w.low == HER for w in find_pronouns(previous.question)
    )
    ordered = [*names, *answer] if about_person else [*answer, *names]
    own = bare_words(question)
    return [
        c
        for c in dict.fromkeys(ordered)
        if c and not (bare_words(" ".join(p.text for p in find_names(c))) & own)
    ]


def _place(previous: Turn) -> str | None:
    for phrase in find_names(previous.read_as):
        if phrase.preposition in {"in", "at", "to"} and not phrase.text[0].isdigit():
            return phrase.carried
    return None


def substitute_referents(question: str, previous: Turn) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with its person pronouns and "there" replaced by what they stand for,
    and what each pronoun was read as. A pronoun stands for someone it agrees with ("he"
    for no woman, "she" for no man, neither for a body or a place: `_agrees`); two pronouns
    in one question stand for two people ("where will he stay with him?")."""
    people = _people(previous, question)
    known = _genders(previous)
    place = _place(previous)
    pronouns = find_pronouns(question)
    persons = sum(w.low in PERSON_PRONOUNS for w in pronouns)
    if persons > 1 and len(people) > 1 and _name_like(previous.answer_words):
        # the earlier subject, then the one it asked about
        people = [p for p in people if p != previous.answer_words] + [
            p for p in people if p == previous.answer_words
        ]
    words = find_words(question)
    out: list[str] = []
    at = 0
    used: list[str] = []
    read: list[tuple[str, str]] = []
    for n, word in enumerate(words):
        if word not in pronouns:
            continue
        low = word.low
        gender = _pronoun_gender(low)
        after = words[n + 1].low if n + 1 < len(words) else ""
        agreeing = [p for p in people if _agrees(p, low, known)]
        if low in {"he", "she"}:  # who the turn before was about goes on being the subject
            went_on = [r for p, r in previous.referents if _pronoun_gender(p) == gender]
            agreeing = list(dict.fromkeys([*went_on, *agreeing]))
        fresh = [p for p in agreeing if p not in used] or agreeing
        owner = next((p for p in reversed(used) if _agrees(p, low, known)), None)
        replacement = None
        if low in {"they", "them", "their"} and people:
            group = " and ".join(people[:2])
            replacement = group + "'s" if low == "their" else group
        elif low in PERSON_PRONOUNS and fresh:
            replacement = fresh[0]
        elif low in PERSON_POSSESSIVES and agreeing:  # "he … his": one person
            replacement = _owner(owner or agreeing[0], after)
        elif low == HER and agreeing:
            noun_follows = bool(after) and after not in STOPWORDS and after not in WH_WORDS
            replacement = _owner(owner or agreeing[0], after) if noun_follows else fresh[0]
        elif low == THERE and place:
            replacement = place
        if replacement is not None:
            if low != THERE:
                used.append(replacement.removesuffix("'s"))
                read.append((low, replacement.removesuffix("'s")))
            out.append(question[at : word.start])
            out.append(replacement)
            at = word.end
    out.append(question[at:])
    return "".join(out), tuple(read)


def _owner(person: str, noun: str) -> str:
    """The possessive of a person ("Blinken's"); of a role, its owner when the role's own
    noun follows ("who is her choreographer?" after "Beyoncé's choreographer": Beyoncé's),
    else the role's ("what was her name?" after "Trump's mother": Trump's mother's)."""
    named = find_names(person)
    if _ROLE.search(person) and named and _surname(person) == _key(noun):
        return named[0].text if POSSESSIVE.search(named[0].text) else named[0].text + "'s"
    return person + "'s"


def answer_words(answer: Answer) -> str | None:
    """The words that answered: the lead, else the first quote's bold span, else (for a
    question that asked who) the first person named in the first quote that the question
    lacks. The answer to "who" is a person: words that name none are passed over."""
    if not answer.answered or not answer.quotes:
        return None
    first = answer.quotes[0]
    kind = question_kind(answer.question)
    words: str | None = None
    if answer.lead and kind != "when":
        words = answer.lead
    elif first.highlight is not None:
        words = first.text[first.highlight[0] : first.highlight[1]].strip()
    if kind == "who" and words is not None and named_person(words) is None:
        words = None
    if kind == "who" and words is None:
        words = next(
            (
                POSSESSIVE.sub("", p.text)
                for p in find_names(first.text)
                if (person := named_person(p.text)) is not None
                and not contains_words(answer.question, person)
                and not _sentence_adverb(first.text, p)
            ),
            None,
        )
    if words is None or len(words.split()) > _NAME_WORDS:
        return None
    return words


def _sentence_adverb(text: str, phrase: Phrase) -> bool:
    """A lone capitalised word opening a sentence before a comma ("Additionally, they
    welcomed…"): an adverb, not a name."""
    opens = not text[: phrase.start].strip() or text[: phrase.start].rstrip()[-1] in '.!?”"'
    return opens and " " not in phrase.text and text[phrase.end : phrase.end + 1] == ","
