"""English follow-up questions: the words by which a question leans on the one before it
("and when did he arrive?", "what about Taiwan?", "why?", "who else was there?"), and the
words a question's subject is made of. Read without regard to case unless said."""

from __future__ import annotations

# Pronouns that stand for a person named before, by the part they play. A possessive
# becomes the name with "'s" ("his debut" is "Mekies's debut").
PERSON_PRONOUNS = frozenset({"he", "she", "him", "they", "them"})
PERSON_POSSESSIVES = frozenset({"his", "their"})
# "her" is both ("who refused her resignation?", "who did the committee choose her over?"):
# a possessive when a noun follows it.
HER = "her"
# Pronouns that stand for a thing or an event named before ("how long did it last?").
THING_PRONOUNS = frozenset({"it", "its"})
# "that" and "this" stand for what was said before when they end the question or sit
# beside a verb ("who reported that?", "why is that dangerous?", "when was that?").
DEMONSTRATIVES = frozenset({"that", "this"})
DEMONSTRATIVE_VERBS = frozenset({"is", "was", "did", "does", "do", "were", "are", "be", "mean"})
# "there" stands for a place named before, except in "is there", "there are" (existential).
THERE = "there"
EXISTENTIAL_VERBS = frozenset({"is", "are", "was", "were", "be", "been", "have", "has", "will"})
# A pronoun opening a clause after a name in the same question stands for that name ("How old
# was Jane Goodall when she died?"); a person's pronoun also after a verb of speech ("What did
# Blinken say he discussed…").
CLAUSE_OPENERS = frozenset(
    {"when", "while", "after", "before", "because", "since", "if", "as", "until", "where"}
)
SPEECH_OPENERS = frozenset({"say", "says", "said", "tell", "told", "think", "thinks", "claim"})

# Words that open a question leaning on the one before: "and when…?", "but why…?", "so who…?"
LEAD_IN_PATTERN = r"^\W*(?:and|but|so|also|then)\b[\s,]*"
# "what about X?", "how about X?", "and for X?": the earlier question, asked of X.
WHAT_ABOUT_PATTERN = r"^\W*(?:and\s+)?(?:what|how)\s+about\b\s*"
# "who else…", "what else…", "where else…": more of the same event than already named.
ELSE_PATTERN = r"\b(?:who|what|where|which\s+\w+)\s+else\b"
# A bare question word, alone or with "and" ("why?", "and where?", "when exactly?").
BARE_PATTERN = r"^\W*(?:and\s+)?(why|when|where|how|who|how come)(?:\s+exactly)?\W*$"

# Question words and the auxiliaries after them: what is swapped when "why?" follows "where
# did they meet?" ("why did they meet?").
WH_WORDS = frozenset({"who", "whom", "whose", "what", "when", "where", "why", "which", "how"})
AUXILIARIES = frozenset(
    {
        "did", "does", "do", "is", "are", "was", "were", "has", "have", "had", "will",
        "would", "can", "could", "might", "may", "should", "shall", "must",
    }
)  # fmt: skip
# Prepositions whose phrase (a name, a place, a date) is carried over whole: "in Beijing",
# "on December 22", "to the United States".
CARRIED_PREPOSITIONS = frozenset(
    {"in", "at", "on", "to", "from", "for", "with", "against", "over", "about", "of", "by"}
)
# A question of at most this many words of its own (not stopwords), with no name in it,
# leans on the one before ("how many were arrested?", "who is investigating?").
SHORT_QUESTION_WORDS = 3
# Capitalised words that are no name: the question words and "I" at the start of a question.
NOT_NAMES = frozenset({"i", "according"})
# Words that belong to a question word ("how many", "how long", "what kind"): not what a
# question is about, so neither counted as its own words nor carried over.
QUESTION_WORD_PARTS = frozenset(
    {"many", "much", "long", "old", "big", "far", "often", "large", "kind", "exactly", "else"}
)
# Words between the parts of one name ("Bank of England", "Ben & Jerry's", "Laurence des Cars").
NAME_JOINERS = frozenset({"of", "&", "de", "des", "van", "der", "la", "le", "al", "bin"})
# Roles after a possessive name that make it a person: "Nestlé's chief executive", "Nepal's
# prime minister" (then "he" is the role, not the country).
ROLE_WORDS = (
    "prime minister", "chief executive", "president", "minister", "ambassador", "secretary",
    "spokesman", "spokeswoman", "director", "chairman", "chairwoman", "founder", "co-founder",
    "leader", "coach", "manager", "mother", "father", "wife", "husband", "son", "daughter",
    "choreographer", "lawyer", "judge", "editor", "principal", "captain", "ceo",
)  # fmt: skip

# Agreement of a pronoun with what it may stand for: "he" is no woman, "she" no man, and
# neither a newsroom, a department or a place ("when does his contract end?" after "Why did
# ABC pull Jimmy Kimmel's show?" is Kimmel's, not ABC's).
MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
# Words in a name or beside it that say whether the person is a man or a woman.
MALE_WORDS = frozenset(
    {
        "mr", "sir", "lord", "king", "prince", "father", "husband", "son", "brother",
        "uncle", "nephew", "grandfather", "spokesman", "chairman", "congressman", "boyfriend",
    }
)  # fmt: skip
FEMALE_WORDS = frozenset(
    {
        "mrs", "ms", "miss", "madam", "dame", "lady", "queen", "princess", "mother", "wife",
        "daughter", "sister", "aunt", "niece", "grandmother", "spokeswoman", "chairwoman",
        "congresswoman", "girlfriend", "actress",
    }
)  # fmt: skip
# Words that make a capitalised phrase a body, a place or a thing, never a person: "the
# Education Department", "French Senate", "New York State", "Red Bull Racing".
INSTITUTION_WORDS = frozenset(
    {
        "department", "ministry", "office", "senate", "house", "congress", "parliament",
        "court", "council", "committee", "commission", "agency", "administration",
        "government", "party", "union", "bank", "company", "corporation", "corp", "inc",
        "ltd", "group", "services", "service", "education", "university", "school",
        "college", "institute", "foundation", "museum", "airlines", "airways", "airport",
        "station", "racing", "formula", "prize", "state", "states", "city", "county",
        "republic", "kingdom", "nations", "federation", "affairs", "police", "army", "navy",
        "force", "guard", "times", "post", "news", "network", "media", "church", "center",
        "centre", "hospital", "team", "club", "league", "cup", "series", "world", "national",
        "international", "global", "federal", "american", "south", "north", "east", "west",
    }
)  # fmt: skip
# Offices and honorifics written before a person's name, dropped from it: "US Commerce
# Secretary Gina Raimondo" is Gina Raimondo, "Former Vice President Dick Cheney" Dick Cheney.
# A name that is nothing but these ("Vice President") names nobody in particular.
TITLE_WORDS = frozenset(
    {
        "secretary", "minister", "president", "vice", "chairman", "chairwoman", "chair",
        "chancellor", "governor", "senator", "sen", "rep", "representative", "judge",
        "justice", "prosecutor", "director", "assistant", "deputy", "former", "mayor",
        "prime", "chief", "foreign", "commerce", "defense", "defence", "culture", "interior",
        "treasury", "attorney", "general", "ambassador", "spokesman", "spokeswoman",
        "mr", "mrs", "ms", "dr", "sir", "dame", "lady", "lord", "king", "queen", "prince",
        "princess", "pope", "coach", "captain", "officer", "commissioner", "ceo", "us", "u.s",
        "uk", "british", "chinese", "french", "german", "russian", "of", "state", "elect",
    }
)  # fmt: skip
