"""English words by the part they play: words too common to search for, words that tie a
sentence to the one before, possessives, tense, and the verbs of speech."""

from __future__ import annotations

# The Snowball stemmer that folds a word's forms into one search term ("talks", "talked").
STEMMER_LANGUAGE = "english"
# Words too common to tell passages apart, left out of the search terms; "said" is in nearly
# every news sentence.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself s t
    said says say""".split()  # noqa: SIM905
)
# Words a sentence cannot end on: a line ending in one was broken by the scrape.
FUNCTION_WORDS = frozenset(
    "a an the and or but nor that which who whom whose of to in on at by for from with as "  # noqa: SIM905
    "than then will would shall should can could may might must is are was were be been "
    "has have had his her its their our your this these those told".split()
)
# A sentence opening with one of these leans on the one before it for its subject.
LEANS_BACK_WORDS = frozenset(
    {
        "he", "she", "it", "they", "this", "that", "these", "those", "his", "her", "its",
        "their", "him", "them", "there", "such", "both", "but", "however", "also", "yet",
        "still", "then", "meanwhile", "instead",
    }
)  # fmt: skip
# "According to him, …" names its source only in the sentence before.
ACCORDING_PATTERN = r"^\W*according to (?:him|her|them|it|this|that)\b"
# The possessive endings, both two characters long ("China's" is about China).
POSSESSIVE_ENDINGS = ("’s", "'s")

# Words that speak of what is still to come wherever they stand; each reading of the future
# below adds its own (regular-expression alternatives).
FUTURE_WORDS = (
    "will", "would", "shall", "going to", "set to", "scheduled", "expected", "plans?",
    "planning", "upcoming", "next",
)  # fmt: skip
# A clause in the future, checked before the past when placing a date without its year.
# "planned" is both; after "a" or "the" it only describes a thing: "canceled a planned trip"
# is past.
CLAUSE_FUTURE_PATTERN = (
    r"\b(?:"
    + "|".join(FUTURE_WORDS)
    + r"|won['’]t|due|expects?|(?<!\ba )(?<!\bthe )planned|forecasts?|is to|are to)\b"
    r"|\w['’]ll\b"
)
# A clause in the past: past forms of common verbs, "ago", and regular "-ed" forms
# ("hundred" is none).
PAST_PATTERN = (
    r"\b(?:was|were|had|did|said|told|met|won|lost|took|made|gave|came|went|began|spoke|wrote"
    r"|held|left|fell|rose|struck|sent|saw|found|led|ran|got|hit|cut|shut|broke|brought|bought"
    r"|thought|felt|kept|paid|sold|stood|knew|grew|drew|flew|threw|chose|drove|fought|caught"
    r"|sought|became|swept|spent|built|sank|shot|fled|stole|froze|hid|beat|meant|sat|withdrew"
    r"|oversaw|ago|(?!hundred\b)[a-z]{2,}(?<!e)ed)\b"
)
# A passage about something still to come. Not "could" ("could not be reached for comment"
# is past), and "may" only in lower case ("in May" is a month). A date put off ("postponed to
# July 8", "moved the launch to June 26") is a date still to come.
PASSAGE_FUTURE_PATTERN = (
    r"\b(?:"
    + "|".join(FUTURE_WORDS)
    + r"|planned|later|tomorrow|future|intends?|might|(?-i:may)|postponed|delayed|rescheduled"
    r"|pushed back|(?:moved|put off)\b[^.;]{0,60}?\bto)\b|['’]ll\b"
)

# Words that report speech ("said", "according to", a quotation mark), near a speaker's name.
SPEECH_PATTERN = (
    r"\b(?:said|says|say|saying|told|tells|tell|telling|stated|states|added|adds|noted|notes"
    r"|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|urged|urges|asked|asks|announced"
    r"|announces|warned|warns|insisted|insists|argued|argues|claimed|claims|declared|declares"
    r"|explained|explains|wrote|writes|posted|posts|tweeted|tweets|replied|replies"
    r"|according to|quoted|statement|remarks?|interview)\b|[“”\"]"
)
# The speech verbs after which a single capitalised word is a name ("Qin said").
SPEECH_VERBS = ("said", "says", "told", "tells", "added", "warned", "wrote", "announced",
                "insisted", "argued")  # fmt: skip
# Titles before a name, and the courtesy titles among them ("President Xi", "Mr Qin").
HONORIFICS = ("Mr", "Mrs", "Ms", "Dr")
TITLES = (
    "President", "Prime Minister", "Minister", "Secretary", "Senator", "Governor", "Mayor",
    "Chancellor", "Ambassador", "General", "King", "Queen", "Prince", "Princess", "Pope",
    *HONORIFICS,
)  # fmt: skip
