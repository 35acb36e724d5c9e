"""English questions: the wordings of each kind of question, of measures, of a speaker, of
the future, and of time (a stretch of days, the present). Read without regard to case."""

from __future__ import annotations

from language.calendar import TIME_UNITS
from language.numbers import NUMBER_WORDS

# The kind of answer a question asks for, by its question words: a number, a date, a place,
# a person.
QUESTION_KINDS = (
    (
        "number",
        r"\bhow (?:many|much|long|far|old|big|large|often)\b"
        r"|\bwhat (?:number|percentage|amount)\b",
    ),
    (
        "when",
        r"\bhow long ago\b|\bwhen\b|\bwhat (?:year|month|day|date|time)\b"
        r"|\bwhich (?:year|month|day|date)\b",
    ),
    ("where", r"\bwhere\b|\b(?:what|which) (?:city|country|place|state)\b"),
    (
        "who",
        r"\bwho(?:m|se)?\b|\bwhat (?:is|was) (?:the )?name\b"
        r"|\bwhich (?:person|official|minister)\b",
    ),
)
# Measure questions: the answer is a number in a unit, not any number ("At what altitude…").
MEASURE_QUESTIONS = (
    ("length", r"\b(?:altitude|height|elevation|depth|distance|how (?:far|high|tall|deep|wide))\b"),
    ("weight", r"\bweigh(?:s|ed|t)?\b|\bhow heavy\b"),
    (
        "money",
        r"\bhow much (?:money|\w+ (?:cost|pay|paid|spend|spent|raise|raised|earn|earned|charge))\b"
        r"|\b(?:gdp|cost|price|budget|revenue|salary|income|ransom|bail)\b",
    ),
    ("speed", r"\bhow fast\b|\b(?:speed|velocity)\b"),
    ("percent", r"\bwhat (?:percent(?:age)?)\b|\bhow many percent\b"),
    ("temperature", r"\btemperature\b|\bhow (?:hot|cold)\b"),
    ("population", r"\bpopulation\b"),
)
# "What did X say / tell…" asks what X said (group "who"). Not "write" or "post": what someone
# wrote is quoted without a "said" beside the name.
SPEAKER_PATTERN = (
    r"\bwhat (?:did|does|do|has|have|had|will|would|could) (?P<who>(?:[\w'’.-]+ ){0,4}?[\w'’.-]+) "
    r"(?:say|said|tell|told|announce|declare|state|reply|respond)\b"
)
# A question asks about something still to come with these ("When will Qin visit?").
ASKS_FUTURE_PATTERN = r"\b(?:will|going to)\b"
# "How long…?" is also answered by a start ("since 2001").
DURATION_PATTERN = r"\bhow (?:long|old)\b"

# Counts before a unit in a stretch of days ("the past two weeks", "the last few days").
ROLLING_COUNTS = (
    {"a": 1} | {word: n for word, n in NUMBER_WORDS.items() if n <= 10} | {"few": 3, "couple of": 2}
)
# A stretch that ends on the day of asking, not a calendar unit: "the past week", "last 3
# days" (groups "stretch" for "the past/last", "count" and "unit").
ROLLING_PATTERN = (
    r"\b(?:(?:in|over|during|within|for)\s+)?(?:(?P<stretch>the\s+(?:past|last))|past|last)\s+"
    r"(?:(?P<count>\d{1,3}|" + "|".join(ROLLING_COUNTS) + r")\s+)?"
    r"(?P<unit>" + "|".join(TIME_UNITS) + r")s?\b"
)
# "recently", "in recent weeks": a stretch before the day of asking (group "unit").
RECENT_PATTERN = (
    r"\b(?:recently|lately|(?:in|over)\s+recent\s+(?P<unit>" + "|".join(TIME_UNITS[:3]) + r")s)\b"
)
# Words that ask for the state of things now.
PRESENT_CUE_PATTERN = (
    r"\b(?:now|currently|current|latest|still|presently|at present|at the moment|so far"
    r"|to date|these days|anymore|any more|newest|most recent|ongoing|right now|today)\b"
)
_NOT_PAST = r"(?!(?:was|were|did|had)\b)"
# A question in the present tense: "Who is…", "How many people have died…", "Who leads…".
PRESENT_TENSE_PATTERN = (
    r"^\W*(?:who|whose|what|which|where|when|how many|how much|how)\b"
    rf"(?:\s+{_NOT_PAST}[\w'’-]+){{0,3}}?\s+(?:is|are|has|have|does|do|remains?)\b"
    r"|^\W*(?:is|are|has|have|does|do)\b"
    rf"|^\W*(?:who|(?:what|which)\s+\w+)\s+{_NOT_PAST}\w+[^\Wsu]s\b"
    r"|['’]s\b(?=\s+(?:the|a|an)\b)"
)
