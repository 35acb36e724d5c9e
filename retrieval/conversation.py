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
was about), "there" the place named before, a bare "why?" takes the earlier question's
words after its own question word, a fragment ("and in Cuba?") replaces the matching phrase
of the earlier question or is asked beside it, and the names, places, dates and terms of the
earlier question that the question lacks are carried over in brackets ("who else" carries
the event, not the people it asks past). The earlier as-of date is kept.

Pronouns are resolved in `retrieval._referents`; words and names are found in `_phrases`.
`Conversations` given a database path keeps each key's last turn there too
(`retrieval._conversation_store`), so that a conversation outlives the process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from language import (
    AUXILIARIES,
    BARE_PATTERN,
    CARRIED_PREPOSITIONS,
    ELSE_PATTERN,
    LEAD_IN_PATTERN,
    QUESTION_WORD_PARTS,
    SHORT_QUESTION_WORDS,
    STOPWORDS,
    WH_WORDS,
    WHAT_ABOUT_PATTERN,
)
from retrieval._conversation_store import ConversationStore
from retrieval._phrases import (
    contains_words,
    find_names,
    find_pronouns,
    find_words,
    has_name,
    is_fragment,
    is_name_word,
    join_read_as,
    own_words,
    question_body,
    split_read_as,
)
from retrieval._referents import Turn, answer_words, named_person, substitute_referents
from retrieval.answer import Answer

__all__ = [
    "Ask",
    "Conversation",
    "Conversations",
    "Reading",
    "Turn",
    "answer_words",
    "leans_on_context",
    "read_question",
]

_LEAD_IN = re.compile(LEAD_IN_PATTERN, re.I)
_WHAT_ABOUT = re.compile(WHAT_ABOUT_PATTERN, re.I)
_ELSE = re.compile(ELSE_PATTERN, re.I)
_BARE = re.compile(BARE_PATTERN, re.I)
_WHO_ELSE = re.compile(r"\bwho\s+else\b", re.I)
# What is carried in brackets at most, so that the line stays short and the question's own
# words weigh most (four phrases: bench/eval_followups.py, development conversations).
_CARRIED_LIMIT = 8  # words
_CARRIED_ITEMS = 4  # phrases


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
    if find_pronouns(question):
        return "pronoun"
    if not has_name(question) and len(own_words(question)) <= SHORT_QUESTION_WORDS:
        return "short"
    return None


def _swap_question_word(word: str, earlier: str) -> str | None:
    """`earlier` asked with another question word: "why?" after "where did they meet?" is
    "why did they meet?"; None when its question word is its subject ("who won?")."""
    words = find_words(earlier)
    if not words or words[0].low not in WH_WORDS | {"in", "at", "on", "by", "for", "to"}:
        return None
    for w in words[1:6]:
        if w.low in AUXILIARIES:
            return f"{word} {earlier[w.start :].strip()}"
    return None


def _swap_phrase(fragment: str, earlier: str) -> str | None:
    """`earlier` with its phrase opened by the fragment's preposition swapped for the
    fragment ("what about on December 26?" after "…on December 22?"), or None."""
    fragment_words = find_words(fragment)
    if len(fragment_words) < 2 or fragment_words[0].low not in CARRIED_PREPOSITIONS:
        return None
    preposition = fragment_words[0].low
    for phrase in find_names(earlier):
        if phrase.preposition == preposition:
            start = earlier.lower().rfind(preposition, 0, phrase.start)
            return earlier[:start] + question_body(fragment) + earlier[phrase.end :]
    return None


def _carried(read: str, previous: Turn, leans: str) -> list[str]:
    """What of the earlier question the question lacks: its names and place and date
    phrases, then its own words, in its order, at most `_CARRIED_LIMIT` words. A "who
    else" question carries the event, not the people already named in it: they are the
    ones it asks past ("who else was let go?")."""
    body, before = split_read_as(previous.read_as)
    earlier = f"{body}, {before}" if before else body
    items: list[str] = []
    covered: set[int] = set()
    for phrase in find_names(earlier):
        covered.update(range(phrase.start, phrase.end))
        if leans == "who-else" and not phrase.preposition and named_person(phrase.text) is not None:
            continue
        if not contains_words(read, phrase.text):
            items.append(phrase.carried)
    for word in find_words(earlier) if leans != "who-else" else []:
        low = word.low
        if word.start in covered or low in STOPWORDS or low in WH_WORDS or low in AUXILIARIES:
            continue
        if low in QUESTION_WORD_PARTS or contains_words(read, word.text):
            continue
        if any(contains_words(item, word.text) for item in items):
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
    leans = leans_on_context(question) if previous is not None and find_words(question) else None
    if previous is None or leans is None:
        return Reading(question, question, None, None)
    body, carried = split_read_as(previous.read_as)
    read: str
    referents = previous.referents  # a question that names no one of its own keeps them
    if leans == "bare":
        match = _BARE.match(question)
        word = match.group(1).lower() if match else "why"
        swapped = _swap_question_word(word, body)
        read = (
            join_read_as(swapped, carried)
            if swapped
            else _with_carried(f"{word}?", previous, leans)
        )
    elif leans in ("what-about", "lead-in") and is_fragment(
        rest := (_WHAT_ABOUT if leans == "what-about" else _LEAD_IN).sub("", question, count=1)
    ):
        swapped = _swap_phrase(rest, previous.read_as)
        read = swapped if swapped else join_read_as(f"{body}, and {question_body(rest)}", carried)
    else:
        own = rest if leans in ("what-about", "lead-in") else question
        substituted, found = substitute_referents(own, previous)
        referents = found or referents
        asks_others = leans == "else" and _WHO_ELSE.search(question) is not None
        read = _with_carried(substituted, previous, "who-else" if asks_others else leans)
    return Reading(question, _lower_first(read), leans, previous.as_of, referents)


def _with_carried(read: str, previous: Turn, leans: str) -> str:
    return join_read_as(question_body(read), ", ".join(_carried(read, previous, leans)))


def _lower_first(text: str) -> str:
    """The read question starts in lower case unless it starts with a name ("when did…")."""
    words = find_words(text)
    if words and not is_name_word(words[0], 0):
        return text[:1].lower() + text[1:]
    return text


Ask = Callable[..., Answer]
Listener = Callable[["Conversation", Turn], None]


class Conversation:
    """The turns of one conversation so far, and asking the next question in their light.

    Thread-safe: one conversation may be asked from the event loop's worker threads.
    """

    def __init__(self, *, context: bool = True, last: Turn | None = None) -> None:
        self.context = context
        self._last = last
        self._lock = threading.Lock()
        self._listener: Listener | None = None

    def listen(self, listener: Listener) -> None:
        """Call `listener` with this conversation and each turn recorded from now on."""
        with self._lock:
            self._listener = listener

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
            listener = self._listener
        if listener is not None:
            listener(self, turn)

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
    """Conversations by key (a thread, an answer message), the most recent `limit` kept.

    With a `path` (the bot's database, `NEWSDESK_DB`), a key's last turn is written there by
    `save` and with each turn recorded after, and a key not in memory is looked up there:
    conversations survive a restart. A database that cannot be written costs one log line,
    never an answer. `get` and `save` may touch the database: call them off the event loop.
    """

    def __init__(self, limit: int = 1000, *, path: Path | None = None) -> None:
        self.limit = limit
        self._by_key: OrderedDict[int, Conversation] = OrderedDict()
        self._lock = threading.Lock()
        self._store = ConversationStore(path, limit=limit) if path is not None else None

    def get(self, key: int) -> Conversation | None:
        """The conversation kept under `key` (in memory, else in the database), if any."""
        with self._lock:
            found = self._by_key.get(key)
            if found is not None:
                self._by_key.move_to_end(key)
                return found
        turn = self._store.load(key) if self._store is not None else None
        if turn is None:
            return None
        with self._lock:  # another thread may have kept one meanwhile: that one wins
            found = self._by_key.get(key)
            if found is None:
                found = Conversation(last=turn)
                self._remember(key, found)
            return found

    def keep(self, key: int, conversation: Conversation) -> None:
        """Keep `conversation` under `key` in memory (at once: no database call), forgetting
        the oldest beyond the limit; its next turns are written under all its keys."""
        with self._lock:
            self._remember(key, conversation)

    def save(self, key: int) -> None:
        """Write the last turn of the conversation kept under `key` to the database, if any."""
        with self._lock:
            found = self._by_key.get(key)
        last = found.last if found is not None else None
        if self._store is not None and last is not None:
            self._store.save([key], last)

    def close(self) -> None:
        """Close the database, if any; memory goes on."""
        if self._store is not None:
            self._store.close()

    def _remember(self, key: int, conversation: Conversation) -> None:
        """Keep it in memory (lock held)."""
        self._by_key[key] = conversation
        self._by_key.move_to_end(key)
        while len(self._by_key) > self.limit:
            self._by_key.popitem(last=False)
        if self._store is not None:
            conversation.listen(self._recorded)

    def _recorded(self, conversation: Conversation, turn: Turn) -> None:
        with self._lock:
            keys = [key for key, kept in self._by_key.items() if kept is conversation]
        if self._store is not None:
            self._store.save(keys, turn)
