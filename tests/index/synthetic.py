"""A bigger corpus for the index tests, made here: deterministic synthetic news articles.

The tests that need hundreds of articles (progress reports, killed builds, updates in place,
the approximate index) build them from the word lists below, each article from a generator
seeded by its position, so every run on every machine sees the same corpus and nothing
outside the repository is read. An article has the shape and size of a BBC news story: an
id, a category, a title and about 320 words in 6 to 10 paragraphs of 1 to 3 sentences, with
names, places, figures and quotes. The sentences vary as real ones do (thousands of distinct
ones, most with a clause of their own), so that nearest-neighbour search meets as few exact
ties as on real text and the approximate index's recall means what it does there.
"""

from __future__ import annotations

import json
import random
from pathlib import Path


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")

_FIRST = _words(
    "Alan Maria David Sarah James Helen Peter Laura Richard Anna Michael Claire Thomas Ruth "
    "Daniel Emma Robert Julia Simon Karen Paul Nadia Mark Fiona Stephen Grace Henry Alice "
    "Oliver Irene"
)
# Surnames and company names are put together from syllables: hundreds of each.
_SYLLABLES = _words(
    "Har Bel Cor Dun Fen Gal Hol Kin Lor Mar Nor Pen Ros Sel Tor Wes Ash Bram Cal Ell"
)
_ENDINGS = _words("wick ford ton ley mont vale by ridge stone wood field more hurst den gate well")
_PLACES = _words(
    "Leeds Bristol Glasgow Cardiff Belfast Manchester Dublin Lisbon Madrid Milan Munich "
    "Vienna Prague Warsaw Oslo Helsinki Tokyo Seoul Sydney Toronto Chicago Boston Denver "
    "Nairobi Lagos Mumbai Delhi Cairo Athens Brussels"
)
_ORG_TAIL = _words("Group Holdings Media Systems Partners Industries Labs Trust")
_MONTHS = _words(
    "January February March April May June July August September October November December"
)
_DAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_YEARS = _words("2002 2003 2004 2005")
_ORDINALS = _words("second third fourth fifth sixth")

# Per category: the people's roles, the figures the stories report, and what they are about.
_ROLES = {
    "business": _words("chief executive|finance director|chairman|economist|analyst", "|"),
    "entertainment": _words("director|producer|singer|actor|critic", "|"),
    "politics": _words("minister|shadow chancellor|party leader|MP|spokesman", "|"),
    "sport": _words("coach|captain|striker|manager|goalkeeper", "|"),
    "tech": _words("chief engineer|researcher|developer|product manager|security expert", "|"),
}
_THINGS = {
    "business": _words(
        "profits|sales|shares|exports|prices|revenue|investment|borrowing|output|demand|"
        "dividends|costs|orders|earnings",
        "|",
    ),
    "entertainment": _words(
        "ticket sales|ratings|album sales|box office takings|audiences|bookings|royalties|"
        "viewing figures|downloads",
        "|",
    ),
    "politics": _words(
        "public spending|tax receipts|voter turnout|party membership|council budgets|"
        "poll ratings|waiting lists",
        "|",
    ),
    "sport": _words(
        "attendances|ticket prices|transfer fees|wages|season ticket sales|TV income|"
        "merchandise sales",
        "|",
    ),
    "tech": _words(
        "broadband subscriptions|phone sales|chip shipments|software licences|game sales|"
        "online adverts|data traffic",
        "|",
    ),
}
_TOPICS = {
    "business": _words("merger|takeover bid|rescue deal|pension scheme|share buyback", "|"),
    "entertainment": _words("film festival|award ceremony|world tour|new album|sequel", "|"),
    "politics": _words("education bill|tax plans|general election|inquiry|budget", "|"),
    "sport": _words("cup final|league title|transfer window|injury crisis|world cup", "|"),
    "tech": _words("broadband network|mobile phone|search engine|games console|virus", "|"),
}

_TITLES = (
    "{org} {thing} {moved}",
    "{last} backs {topic}",
    "{place} {topic} under way",
    "{org} plans {topic}",
    "{last} quits as {role}",
    "Fresh doubts over {topic}",
)
_MOVED = _words("rose|fell|jumped|slipped|climbed|dropped|edged up|slumped", "|")
_SAID = ("said", "told the BBC", "said on {day}", "told reporters", "added", "insisted")
_VIEWS = (
    "the figures were better than expected",
    "the next few months would be difficult",
    "there was no reason to change course",
    "the {topic} would go ahead as planned",
    "talks with {org} were at an early stage",
    "the decision had been taken after long discussions",
    "{thing} were likely to recover by the end of {year}",
    "it was too early to judge the effect of the {topic}",
)
_SENTENCES = (
    "{org} said its {thing} {moved} {pct}% in the three months to {month} {year}.",
    "{thing_cap} at {org} {moved} to {money} in {year}, from {money2} a year earlier.",
    '"{view_cap}," {person}, the {role} of {org}, {said}.',
    "{person} of {org} {said} that {view}.",
    "The {topic} was first announced in {place} by {person} in {month} {year}.",
    "Speaking in {place} on {day}, {person} said {view}.",
    "Analysts at {org} expect {thing} in {place} to reach {money} by {year}.",
    "The {role} of {org}, {person}, was not available for comment on {day}.",
    "Critics in {place} and {place2} have called the {topic} a {pct}-year mistake.",
    "{org} employs {count} people in {place} and {place2}.",
    "The government and {person} remain divided over the {topic} in {place}.",
    "{person}, a former {role} at {org2}, joined {org} in {month} {year}.",
    "Figures published on {day} by {org} showed {thing} {moved} by {pct}%.",
    "More than {count} people are expected at the {topic} in {place} in {month}.",
    "The minister said the {topic} would cost {money} over {small} years, {person} said.",
    "{org} shares {moved} {pct}% in {place} after {person} spoke on {day}.",
    "It is the {ordinal} time in {small} years that {org} has changed its {role}.",
    "Officials in {place} told {person} the {topic} had been delayed until {month}.",
    "{person} told the BBC in {place} that {view}.",
    "The talks between {org} and {org2} over the {topic} are expected to end in {month}.",
)

# Most sentences go on with a clause of their own, from bigger lists, as real ones do.
_CLAUSE_SHARE = 0.85
_CLAUSES = (
    "as {adj} {noun} {verb} across {place2}",
    "despite {adj} {noun} in {month}",
    "according to a {adj} report by {org2}",
    "the {ordinal} such move since {year2}",
    "amid {adj} {noun} over {noun2}",
    "while {noun} in {place2} {verb} {adverb}",
    "after {count2} {noun2} were {counted} last year",
    "with {noun} and {noun2} both {adverb} {adj}",
    "a move welcomed by {person2} of the {adj} {noun} group",
    "though {noun2} {verb} {adverb} in {place2}",
    "in a {adj} sign for {noun} and {noun2}",
    "{adverb} ahead of the {adj} {noun} talks in {place2}",
)
_ADJECTIVES = _words(
    "weak strong sharp modest steady fragile rising falling record wider deeper early late "
    "surprise cautious bold fresh renewed lingering sudden gradual unexpected growing "
    "uncertain robust mixed gloomy upbeat rival regional national global local seasonal "
    "annual quarterly long-term short-term private public"
)
_NOUNS = _words(
    "inflation|interest rates|consumer confidence|household debt|fuel costs|housing markets|"
    "retail spending|wage growth|factory output|oil prices|the pound|the dollar|the euro|"
    "bond yields|credit conditions|business investment|job cuts|hiring|freight volumes|"
    "tourism|farming|energy bills|rents|pensions|training|apprenticeships|research funding|"
    "the broadband rollout|mobile coverage|streaming|piracy|ticket touts|stadium plans|"
    "youth football|school budgets|hospital funding|rail fares|bus routes|road building|"
    "airport expansion|carbon targets|water supplies",
    "|",
)
_VERBS = _words(
    "slowed|picked up|recovered|stalled|eased|tightened|weakened|improved|worsened|held firm|"
    "levelled off|surged|collapsed|steadied",
    "|",
)
_ADVERBS = _words(
    "sharply slightly again still steadily quickly slowly briefly widely unexpectedly "
    "markedly modestly"
)
_COUNTED = _words("reported recorded counted sold lost added cut")


def _surname(rng: random.Random) -> str:
    return rng.choice(_SYLLABLES) + rng.choice(_ENDINGS)


def _fill(template: str, rng: random.Random, category: str) -> str:
    """`template` with every slot filled by a choice of `rng` from the category's lists."""
    org, org2 = (f"{_surname(rng)} {rng.choice(_ORG_TAIL)}" for _ in range(2))
    place, place2 = rng.sample(_PLACES, 2)
    thing = rng.choice(_THINGS[category])
    noun, noun2 = rng.sample(_NOUNS, 2)
    slots = {
        "person": f"{rng.choice(_FIRST)} {_surname(rng)}",
        "person2": f"{rng.choice(_FIRST)} {_surname(rng)}",
        "last": _surname(rng),
        "role": rng.choice(_ROLES[category]),
        "org": org,
        "org2": org2,
        "place": place,
        "place2": place2,
        "thing": thing,
        "thing_cap": thing[0].upper() + thing[1:],
        "topic": rng.choice(_TOPICS[category]),
        "moved": rng.choice(_MOVED),
        "pct": f"{rng.randint(1, 60)}",
        "money": f"${rng.randint(2, 950)}m",
        "money2": f"£{rng.randint(1, 99)}.{rng.randint(1, 9)}bn",
        "count": f"{rng.randint(2, 90) * 100:,}",
        "small": str(rng.randint(2, 12)),
        "month": rng.choice(_MONTHS),
        "year": rng.choice(_YEARS),
        "day": rng.choice(_DAYS),
        "ordinal": rng.choice(_ORDINALS),
        "year2": str(rng.randint(1985, 2001)),
        "count2": f"{rng.randint(11, 990) * 10:,}",
        "adj": rng.choice(_ADJECTIVES),
        "noun": noun,
        "noun2": noun2,
        "verb": rng.choice(_VERBS),
        "adverb": rng.choice(_ADVERBS),
        "counted": rng.choice(_COUNTED),
    }
    slots["said"] = rng.choice(_SAID).format(**slots)
    view = rng.choice(_VIEWS).format(**slots)
    slots["view"], slots["view_cap"] = view, view[0].upper() + view[1:]
    sentence = template.format(**slots)
    if sentence.endswith(".") and rng.random() < _CLAUSE_SHARE:
        sentence = f"{sentence[:-1]}, {rng.choice(_CLAUSES).format(**slots)}."
    return sentence


def article(number: int) -> dict:
    """Synthetic article `number` (the same every time): a record in the corpus JSONL shape."""
    category = CATEGORIES[number % len(CATEGORIES)]
    rng = random.Random(f"newsdesk-synthetic-{number}")
    paragraphs = [
        " ".join(_fill(rng.choice(_SENTENCES), rng, category) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(6, 10))
    ]
    return {
        "id": f"{category}/{number // len(CATEGORIES) + 1:03d}",
        "category": category,
        "title": _fill(rng.choice(_TITLES), rng, category),
        "text": "\n\n".join(paragraphs),
        "source": "Synthetic Wire",
        "published": None,
        "url": None,
    }


def article_lines(count: int) -> list[str]:
    """The first `count` synthetic articles as JSONL lines."""
    return [json.dumps(article(n)) + "\n" for n in range(count)]


def write_corpus(folder: Path, lines: list[str]) -> Path:
    """A corpus folder holding `lines` as one JSONL file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder
