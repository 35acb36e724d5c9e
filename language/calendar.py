"""The English calendar: month and weekday names, the words of relative time, and the
patterns of years, clock times and every date expression the date finder reads."""

from __future__ import annotations

from language.numbers import NUMBER_WORDS, PERCENT_WORDS

# January first, so that a month's number is its place plus one.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Monday first, as datetime's weekday() counts.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Short forms of the months in dates ("Sept. 5", "5 Jan 2023"); May is short already.
MONTH_ABBREVIATIONS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
    "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
# Months that are also names, verbs or nouns ("Theresa May", "the March on Washington"): a
# month only with a day, a year or a time word.
AMBIGUOUS_MONTHS = frozenset({"March", "May", "June", "August"})
# Seasons name no dates of their own; "fall" is one only after "in the", "this", "last" or
# "next" (a price can fall).
SEASONS = ("spring", "summer", "autumn", "winter")
# Days named relative to the day of writing, with their distance from it in days.
DAY_WORDS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
# "last/this/next week": the unit before, holding, or after the day of writing.
RELATIVE_SHIFTS = {"last": -1, "this": 0, "next": 1}
# The units time is counted in ("three days ago", "the past two weeks").
TIME_UNITS = ("day", "week", "month", "year")
# Counts of units before "ago" written as words ("a week ago", "twelve months ago").
AGO_COUNTS = {"a": 1, "an": 1} | {word: n for word, n in NUMBER_WORDS.items() if n <= 12}

# Words before a date that fix which way it points, whatever the tense: "coming Sunday" is the
# next one, "since March" lies behind.
DIRECTION_WORDS = {
    "last": "last", "this": "this", "next": "next", "coming": "next", "since": "past",
}  # fmt: skip
# Prepositions after which a date is a target, often ahead ("postponed to July 8").
TOWARD_WORDS = frozenset({"to", "until", "till", "through", "from", "for"})
# "since March" opens a stretch that runs to the day of asking.
SINCE_WORDS = ("since",)
# A new clause starts at these words ("is expected to hold talks on Sunday | after a planned
# trip in February was cancelled"), so a date takes its tense from its own clause.
SUBORDINATORS = ("after", "before", "because", "although", "though", "whereas")

# Regular-expression sources (names case-sensitive), shared by the date finder and the cues.
MONTH_PATTERN = (
    r"\b(?:" + "|".join(MONTH_NAMES) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
    r")(?![\w])"
)
WEEKDAY_PATTERN = r"\b(?:" + "|".join(WEEKDAY_NAMES) + r")\b"
# A year the date finder reports: 1800 to 2099, not a sum, a decimal or a share ("$2020",
# "2,020", "2020%").
YEAR_PATTERN = (
    r"(?<![\w$£€.,])(?:1[89]\d\d|20\d\d)\b(?!\s*(?:" + "|".join(PERCENT_WORDS) + r")|[.,]\d)"
)
# A clock time the date finder reports: "5 p.m.", "5pm", "17:30" (a real hour and minute).
CLOCK_PATTERN = r"\b(?:\d{1,2}(?::[0-5]\d)?\s*(?i:[ap]\.m\.|[ap]m\b)|(?:[01]?\d|2[0-3]):[0-5]\d\b)"
# Looser shapes an answer to "when" may take, which the date finder does not resolve: a year
# back to 1000 or its decade ("built in 1650", "the 1990s"), a clock time with "am" or "pm"
# in lower case however dotted ("5 a.m", "5pm."), and a date in figures ("1/2/2023", whose
# day and month come in either order).
ANY_YEAR_PATTERN = r"(?:1\d\d\d|20\d\d)s?\b"
LOOSE_CLOCK_PATTERN = r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?"
NUMERIC_DATE_PATTERN = r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"


def _either_case(word: str) -> str:
    """`word` in lower case or capitalised, as it stands inside or at the start of a
    sentence ("[Ss]pring")."""
    return f"[{word[0].upper()}{word[0]}]{word[1:]}"


_ORDINAL = r"(?:st|nd|rd|th)?"
# The word before a date, which says which way a date without its year points; group "prep".
DATE_LEAD_PATTERN = (
    r"(?P<prep>\b(?i:in|on|since|by|until|till|from|during|through|before|after|early|mid|late"
    r"|as of|last|next|this|coming|of|to|for)\s+|(?i:mid)-)?"
)
# Every kind of date expression, each with the named groups the date finder resolves it by.
DATE_PATTERNS = (
    ("iso", r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)\b"),
    (
        "mdy",
        rf"(?:{WEEKDAY_PATTERN},?\s+)?(?P<mdy_m>{MONTH_PATTERN})\s+(?P<mdy_d>\d{{1,2}}){_ORDINAL}"
        rf"\b(?:,?\s+(?P<mdy_y>\d{{4}})\b)?",
    ),
    (
        "dmy",
        rf"(?:{WEEKDAY_PATTERN},?\s+)?(?:the\s+)?\b(?P<dmy_d>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?"
        rf"(?P<dmy_m>{MONTH_PATTERN})(?:,?\s+(?P<dmy_y>\d{{4}})\b)?",
    ),
    ("my", rf"(?P<my_m>{MONTH_PATTERN}),?\s+(?P<my_y>\d{{4}})\b"),
    ("decade", r"(?:(?i:the)\s+)?(?:(?:1[89]|20)\d0s|['’]\d0s)\b"),
    (
        "ago",
        r"\b(?P<ago_n>\d{1,2}|(?i:" + "|".join(AGO_COUNTS) + r"))\s+"
        r"(?P<ago_unit>(?i:" + "|".join(TIME_UNITS) + r"))s?\s+(?i:ago)\b",
    ),
    ("word", r"\b(?P<word_w>" + "|".join(_either_case(w) for w in DAY_WORDS) + r")\b"),
    (
        "rel",
        r"\b(?:(?i:earlier|later)\s+)?(?P<rel_w>(?i:" + "|".join(RELATIVE_SHIFTS) + r"))\s+"
        r"(?P<rel_unit>(?i:" + "|".join(TIME_UNITS[1:]) + r"))\b",
    ),
    (
        "season",
        r"\b(?:(?i:the|this|last|next)\s+)?(?:"
        + "|".join(_either_case(season) for season in SEASONS)
        + r")\b|\b(?i:in\s+the|this|last|next)\s+[Ff]all\b",
    ),
    ("weekday", rf"\b(?P<wd>{WEEKDAY_PATTERN})"),
    ("month", rf"\b(?P<month_m>{MONTH_PATTERN})"),
    ("year", rf"(?P<year_y>{YEAR_PATTERN})"),
    ("clock", CLOCK_PATTERN),
)
# Words after a year that make it a count ("2000 troops"), not a year.
COUNTED_PATTERN = (
    r"\s+(?:people|persons|troops|soldiers|residents|jobs|homes|houses|votes|members|workers"
    r"|cases|deaths|units|vehicles|cars|dollars|euros|pounds|feet|meters|metres|miles|km"
    r"|tons|tonnes|acres|pages|words|calories)\b"
)
# Every date expression holds one of these, which are cheap to find: digits, the first three
# letters of a month or weekday, or a word of relative time (a count of days ends in "ago").
DATE_ANCHORS = (
    r"\d+",
    "|".join(name[:3] for name in (*MONTH_NAMES, *WEEKDAY_NAMES)),
    "|".join((*TIME_UNITS[1:], "ago", *SEASONS, "fall", *DAY_WORDS))
    + "|"
    + "|".join(word.capitalize() for word in (*SEASONS, *DAY_WORDS)),
)
