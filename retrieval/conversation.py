"""Follow-up questions: whether a question leans on the one before, and the question as read.

A question leans on the one before when its own words say so: a pronoun with no name of its
own to stand for ("when is his debut?"), an opening "and", "but" or "what about" ("and
bombers?", "what about Taiwan?"), "who else", a bare "why?", or a very short question with
no name in it ("how many were arrested?"). Anything else is read as it is, however recent
the turn before.

A question that leans is read with words taken from the turn before and nothing else: a
person's pronoun becomes the name it stands for (from the earlier question, or from its
answer when that question asked who), one it agrees with ("he" no woman, "she" no man,
neither a body, a title or a place; "she" goes on standing for the woman the turn before
was about), "there" the place named before, a bare "why?" takes
the earlier question's words after its own question word, a fragment ("and in Cuba?")
replaces the matching phrase of the earlier question or is asked beside it, and the names,
places, dates and terms of the earlier question that the question lacks are carried over
in brackets ("who else" carries the event, not the people it asks past). The earlier as-of
date is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from language import (
    AUXILIARIES,
    BARE_PATTERN,
    CARRIED_PREPOSITIONS,
    CLAUSE_OPENERS,
    DEMONSTRATIVE_VERBS,
    DEMONSTRATIVES,
    ELSE_PATTERN,
    EXISTENTIAL_VERBS,
    HER,
    LEAD_IN_PATTERN,
    MONTH_NAMES,
    NAME_JOINERS,
    NOT_NAMES,
    PERSON_POSSESSIVES,
    PERSON_PRONOUNS,
    QUESTION_WORD_PARTS,
    ROLE_WORDS,
    SHORT_QUESTION_WORDS,
    SPEECH_OPENERS,
    STOPWORDS,
    THERE,
    THING_PRONOUNS,
    WEEKDAY_NAMES,
    WH_WORDS,
    WHAT_ABOUT_PATTERN,
)
from language.conversation import (
    FEMALE_PRONOUNS,
    FEMALE_WORDS,
    INSTITUTION_WORDS,
    MALE_PRONOUNS,
    MALE_WORDS,
    TITLE_WORDS,
)
from retrieval.answer import Answer
from retrieval.question import question_kind

_WORD = re.compile(r"\w(?:[\w'’&.-]*\w)?")
_LEAD_IN = re.compile(LEAD_IN_PATTERN, re.I)
_WHAT_ABOUT = re.compile(WHAT_ABOUT_PATTERN, re.I)
_ELSE = re.compile(ELSE_PATTERN, re.I)
_BARE = re.compile(BARE_PATTERN, re.I)
_WHO_ELSE = re.compile(r"\bwho\s+else\b", re.I)
_TAIL = re.compile(r"[\s?!.]+$")
_POSSESSIVE = re.compile(r"['’]s$")
_ROLE = re.compile(r"\s+(?:" + "|".join(ROLE_WORDS) + r")\b", re.I)
_CALENDAR = frozenset(w.lower() for w in (*MONTH_NAMES, *WEEKDAY_NAMES))
_ROLE_OF = re.compile(r"['’]s" + _ROLE.pattern, re.I)  # "Nestlé's chief executive"
_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+|\n+")
# What is carried in brackets at most, so that the line stays short and the question's own
# words weigh most (four phrases: bench/eval_followups.py, development conversations).
_CARRIED_LIMIT = 8  # words
_CARRIED_ITEMS = 4  # phrases
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


@dataclass(frozen=True)
class Reading:
    """How one question was read: as it is, or as a follow-up of the turn before."""

    question: str
    read_as: str
    leans: str | None = None  # why it leans on the turn before, or None when it stands alone
    as_of: dt.date | None = None
    referents: tuple[tuple[str, str], ...] = ()  # what its pronouns were read as

    @property
    def follow_up(self) -> bool:
        """Whether the question was read in the light of the turn before."""
        return self.leans is not None


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_name_word(word: _Word, position: int) -> bool:
    """A capitalised word that is not a question word, an auxiliary or a stopword opening
    the question."""
    if not word.text[0].isupper() and not (word.text[0].isdigit() and position > 0):
        return False
    low = _POSSESSIVE.sub("", word.low)
    if low in NOT_NAMES:
        return False
    return not (position == 0 and (low in STOPWORDS or low in WH_WORDS or low in AUXILIARIES))


@dataclass(frozen=True)
class _Phrase:
    text: str
    start: int
    end: int
    preposition: str | None  # the preposition opening it ("in" of "in Beijing"), if any
    article: bool = False  # "the" before it: "the Pentagon", "the Nobel committee"

    @property
    def carried(self) -> str:
        return f"{self.preposition} {self.text}" if self.preposition else self.text


def _names(text: str) -> list[_Phrase]:
    """The runs of capitalised words (names, places, dates, with "of", "&" and the like
    inside, never across punctuation), each with the preposition before it."""
    words = _words(text)
    phrases: list[_Phrase] = []

    def joined(a: int, b: int) -> bool:  # nothing but spaces (or an initial's dot) between
        gap = text[words[a].end : words[b].start].strip()
        return not gap or (gap == "." and len(words[a].text) <= 3)

    n = 0
    while n < len(words):
        if not _is_name_word(words[n], n) or words[n].text[0].isdigit():
            n += 1
            continue
        first = last = n
        n += 1
        while n < len(words) and joined(n - 1, n) and not _POSSESSIVE.search(words[n - 1].text):
            if _is_name_word(words[n], n):
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
            _Phrase(
                text[start : words[last].end],
                start,
                words[last].end,
                preposition if preposition in CARRIED_PREPOSITIONS else None,
                article,
            )
        )
    return phrases


def _own_words(text: str) -> list[str]:
    """The question's words that carry meaning: no stopwords, question words or auxiliaries."""
    return [
        w.text
        for w in _words(text)
        if w.low not in STOPWORDS
        and w.low not in WH_WORDS
        and w.low not in AUXILIARIES
        and w.low not in QUESTION_WORD_PARTS
    ]


def _has_name(text: str) -> bool:
    return any(not p.text[0].isdigit() for p in _names(text))


def _pronouns(text: str) -> list[_Word]:
    """The pronouns of the question that stand for something outside it."""
    words = _words(text)
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
        if _is_name_word(word, n):
            names_before = True
    return found


def leans_on_context(question: str) -> str | None:
    """Why the question leans on the one before ("pronoun", "lead-in", "what-about", "else",
    "bare", "short"), or None when it stands on its own."""
    if _BARE.match(question):
        return "bare"
    if _WHAT_ABOUT.match(question):
        return "what-about"
    if _LEAD_IN.match(question):
        return "lead-in"
    if _ELSE.search(question):
        return "else"
    if _pronouns(question):
        return "pronoun"
    if not _has_name(question) and len(_own_words(question)) <= SHORT_QUESTION_WORDS:
        return "short"
    return None


def _body(text: str) -> str:
    """The question without its closing marks."""
    return _TAIL.sub("", text.strip())


def _split(read_as: str) -> tuple[str, str]:
    """A question as read: its body ("when did Blinken arrive") and what was carried over
    in brackets ("Beijing, meet"), or "" when nothing was."""
    body = _body(read_as)
    if body.endswith(")") and " (" in body:
        head, _, carried = body.rpartition(" (")
        return head, carried[:-1]
    return body, ""


def _join(body: str, carried: str) -> str:
    return f"{body} ({carried})?" if carried else f"{body}?"


def _bare_words(text: str) -> set[str]:
    return {_POSSESSIVE.sub("", w.low) for w in _words(text)}


def _contains(text: str, phrase: str) -> bool:
    """Whether every word of `phrase` is in `text` (possessives aside)."""
    return _bare_words(phrase) <= _bare_words(text)


def _name_like(words: str | None) -> bool:
    """Answer words that can be a pronoun's referent: a short run of capitalised words."""
    if not words or len(words.split()) > _NAME_WORDS:
        return False
    found = _names(words)
    return len(found) == 1 and found[0].text == words and not any(c.isdigit() for c in words)


def _key(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower()).rstrip(".")


def _person(name: str) -> str | None:
    """The person a capitalised phrase names: its words after any office, title or body
    ("US Secretary of State Mike Pompeo" is "Mike Pompeo"), or the phrase itself when it is
    someone's role ("Nestlé's chief executive"); None when it names a body, a place or
    nobody in particular ("Education Department", "Vice President", "ABC")."""
    if _ROLE_OF.search(name):
        return name
    words = _words(_POSSESSIVE.sub("", name))
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
    words = {_key(w.text) for w in _words(person)}
    if words & FEMALE_WORDS:
        return "f"
    if words & MALE_WORDS:
        return "m"
    return None if _ROLE_OF.search(person) else known.get(_surname(person))


def _surname(person: str) -> str:
    words = _words(person)
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
        if (gender := _pronoun_gender(pronoun)) and (person := _person(name)):
            note(person, gender)
    for text in (previous.read_as, previous.answer_text or ""):
        for sentence in _SENTENCE.split(text):
            named = [(p.end, person) for p in _names(sentence) if (person := _person(p.text))]
            for word in _words(sentence):
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
    if _person(candidate) is None:
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
    body, carried = _split(previous.read_as)
    earlier = f"{body}, {carried}" if carried else body
    for phrase in _names(earlier):
        if phrase.preposition in {"in", "at", "on", "since", "during"}:
            continue
        if phrase.article or any(c.isdigit() for c in phrase.text):
            continue
        role = _ROLE.match(earlier, phrase.end) if _POSSESSIVE.search(phrase.text) else None
        names.append(
            earlier[phrase.start : role.end()] if role else _POSSESSIVE.sub("", phrase.text)
        )
    answer = [previous.answer_words] if _name_like(previous.answer_words) else []
    earlier_kind = question_kind(previous.read_as)
    if earlier_kind in ("when", "number", "where"):
        answer = []
    about_person = any(
        w.low in PERSON_POSSESSIVES or w.low == HER for w in _pronouns(previous.question)
    )
    ordered = [*names, *answer] if about_person else [*answer, *names]
    own = _bare_words(question)
    return [
        c
        for c in dict.fromkeys(ordered)
        if c and not (_bare_words(" ".join(p.text for p in _names(c))) & own)
    ]


def _place(previous: Turn) -> str | None:
    for phrase in _names(previous.read_as):
        if phrase.preposition in {"in", "at", "to"} and not phrase.text[0].isdigit():
            return phrase.carried
    return None


def _substitute(question: str, previous: Turn) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with its person pronouns and "there" replaced by what they stand for,
    and what each pronoun was read as. A pronoun stands for someone it agrees with ("he"
    for no woman, "she" for no man, neither for a body or a place: `_agrees`); two pronouns
    in one question stand for two people ("where will he stay with him?")."""
    people = _people(previous, question)
    known = _genders(previous)
    place = _place(previous)
    pronouns = _pronouns(question)
    persons = sum(w.low in PERSON_PRONOUNS for w in pronouns)
    if persons > 1 and len(people) > 1 and _name_like(previous.answer_words):
        # the earlier subject, then the one it asked about
        people = [p for p in people if p != previous.answer_words] + [
            p for p in people if p == previous.answer_words
        ]
    words = _words(question)
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
    named = _names(person)
    if _ROLE.search(person) and named and _surname(person) == _key(noun):
        return named[0].text if _POSSESSIVE.search(named[0].text) else named[0].text + "'s"
    return person + "'s"


def _swap_question_word(word: str, earlier: str) -> str | None:
    """`earlier` asked with another question word: "why?" after "where did they meet?" is
    "why did they meet?"; None when its question word is its subject ("who won?")."""
    words = _words(earlier)
    if not words or words[0].low not in WH_WORDS | {"in", "at", "on", "by", "for", "to"}:
        return None
    for w in words[1:6]:
        if w.low in AUXILIARIES:
            return f"{word} {earlier[w.start :].strip()}"
    return None


def _swap_phrase(fragment: str, earlier: str) -> str | None:
    """`earlier` with its phrase opened by the fragment's preposition swapped for the
    fragment ("what about on December 26?" after "…on December 22?"), or None."""
    fragment_words = _words(fragment)
    if len(fragment_words) < 2 or fragment_words[0].low not in CARRIED_PREPOSITIONS:
        return None
    preposition = fragment_words[0].low
    for phrase in _names(earlier):
        if phrase.preposition == preposition:
            start = earlier.lower().rfind(preposition, 0, phrase.start)
            return earlier[:start] + _body(fragment) + earlier[phrase.end :]
    return None


def _carried(read: str, previous: Turn, leans: str) -> list[str]:
    """What of the earlier question the question lacks: its names and place and date
    phrases, then its own words, in its order, at most `_CARRIED_LIMIT` words. A "who
    else" question carries the event, not the people already named in it: they are the
    ones it asks past ("who else was let go?")."""
    body, before = _split(previous.read_as)
    earlier = f"{body}, {before}" if before else body
    items: list[str] = []
    covered: set[int] = set()
    for phrase in _names(earlier):
        covered.update(range(phrase.start, phrase.end))
        if leans == "who-else" and not phrase.preposition and _person(phrase.text) is not None:
            continue
        if not _contains(read, phrase.text):
            items.append(phrase.carried)
    for word in _words(earlier) if leans != "who-else" else []:
        low = word.low
        if word.start in covered or low in STOPWORDS or low in WH_WORDS or low in AUXILIARIES:
            continue
        if low in QUESTION_WORD_PARTS or _contains(read, word.text):
            continue
        if any(_contains(item, word.text) for item in items):
            continue
        items.append(word.text)
    kept: list[str] = []
    size = 0
    for item in list(dict.fromkeys(items))[:_CARRIED_ITEMS]:
        size += len(item.split())
        if size > _CARRIED_LIMIT:
            break
        kept.append(item)
    return kept


def read_question(question: str, previous: Turn | None) -> Reading:
    """The question as read after `previous` (None: the first of a conversation)."""
    question = " ".join(question.split())
    leans = leans_on_context(question) if previous is not None and _words(question) else None
    if previous is None or leans is None:
        return Reading(question, question, None, None)
    body, carried = _split(previous.read_as)
    read: str
    referents = previous.referents  # a question that names no one of its own keeps them
    if leans == "bare":
        match = _BARE.match(question)
        word = match.group(1).lower() if match else "why"
        swapped = _swap_question_word(word, body)
        read = _join(swapped, carried) if swapped else _with_carried(f"{word}?", previous, leans)
    elif leans in ("what-about", "lead-in") and _is_fragment(
        rest := (_WHAT_ABOUT if leans == "what-about" else _LEAD_IN).sub("", question, count=1)
    ):
        swapped = _swap_phrase(rest, previous.read_as)
        read = swapped if swapped else _join(f"{body}, and {_body(rest)}", carried)
    else:
        own = rest if leans in ("what-about", "lead-in") else question
        substituted, found = _substitute(own, previous)
        referents = found or referents
        asks_others = leans == "else" and _WHO_ELSE.search(question) is not None
        read = _with_carried(substituted, previous, "who-else" if asks_others else leans)
    return Reading(question, _lower_first(read), leans, previous.as_of, referents)


def _is_fragment(rest: str) -> bool:
    """Words with no question word or verb of their own to open them ("bombers", "in Cuba")."""
    words = _words(rest)
    return bool(words) and words[0].low not in WH_WORDS and words[0].low not in AUXILIARIES


def _with_carried(read: str, previous: Turn, leans: str) -> str:
    return _join(_body(read), ", ".join(_carried(read, previous, leans)))


def _lower_first(text: str) -> str:
    """The read question starts in lower case unless it starts with a name ("when did…")."""
    words = _words(text)
    if words and not _is_name_word(words[0], 0):
        return text[:1].lower() + text[1:]
    return text


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
    if kind == "who" and words is not None and _person(words) is None:
        words = None
    if kind == "who" and words is None:
        words = next(
            (
                _POSSESSIVE.sub("", p.text)
                for p in _names(first.text)
                if (person := _person(p.text)) is not None
                and not _contains(answer.question, person)
                and not _sentence_adverb(first.text, p)
            ),
            None,
        )
    if words is None or len(words.split()) > _NAME_WORDS:
        return None
    return words


def _sentence_adverb(text: str, phrase: _Phrase) -> bool:
    """A lone capitalised word opening a sentence before a comma ("Additionally, they
    welcomed…"): an adverb, not a name."""
    opens = not text[: phrase.start].strip() or text[: phrase.start].rstrip()[-1] in '.!?”"'
    return opens and " " not in phrase.text and text[phrase.end : phrase.end + 1] == ","


Ask = Callable[..., Answer]


class Conversation:
    """The turns of one conversation so far, and asking the next question in their light.

    Thread-safe: one conversation may be asked from the event loop's worker threads.
    """

    def __init__(self, *, context: bool = True) -> None:
        self.context = context
        self._last: Turn | None = None
        self._lock = threading.Lock()

    @property
    def last(self) -> Turn | None:
        """The turn before the next question, if any."""
        return self._last

    def reset(self) -> None:
        """Start over: the next question is read on its own."""
        with self._lock:
            self._last = None

    def read(self, question: str) -> Reading:
        """How the next question is read after the turns so far."""
        with self._lock:
            previous = self._last if self.context else None
        return read_question(question, previous)

    def record(self, reading: Reading, answer: Answer) -> None:
        """Keep the answered turn as the one the next question may lean on."""
        first = answer.quotes[0].text if answer.answered and answer.quotes else None
        turn = Turn(
            reading.question,
            reading.read_as,
            answer.as_of,
            answer_words(answer),
            first,
            reading.referents,
        )
        with self._lock:
            self._last = turn

    def ask(
        self, ask: Ask, question: str, *, k: int | None = None, as_of: dt.date | None = None
    ) -> Answer:
        """Read the question, ask it as read (a follow-up keeps the earlier as-of), keep the
        turn, and return the answer with `read_as` set when it was read as a follow-up."""
        reading = self.read(question)
        day = reading.as_of if reading.follow_up else as_of
        answer = ask(reading.read_as, k=k, as_of=day)
        if reading.follow_up:
            answer = dataclasses.replace(answer, question=question, read_as=reading.read_as)
        self.record(reading, answer)
        return answer


class Conversations:
    """Conversations by key (a thread, an answer message), the most recent `limit` kept."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._by_key: OrderedDict[int, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: int) -> Conversation | None:
        """The conversation kept under `key`, if any."""
        with self._lock:
            found = self._by_key.get(key)
            if found is not None:
                self._by_key.move_to_end(key)
            return found

    def keep(self, key: int, conversation: Conversation) -> None:
        """Keep `conversation` under `key`, forgetting the oldest beyond the limit."""
        with self._lock:
            self._by_key[key] = conversation
            self._by_key.move_to_end(key)
            while len(self._by_key) > self.limit:
                self._by_key.popitem(last=False)
