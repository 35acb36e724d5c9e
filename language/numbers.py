"""English numbers: number words and their values, and the units measures are given in."""

from __future__ import annotations

# Numbers written as words, with their values, smallest first; each reader takes the ones it
# needs ("three days ago", "the past two weeks", "twenty-one people").
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Words that multiply the number before them ("two hundred", "3 million").
LARGE_SCALES = ("million", "billion", "trillion")
SCALES = ("hundred", "thousand", *LARGE_SCALES)
# Words for a share of a hundred, after a number and after a year ("2020 percent" is no year).
PERCENT_WORDS = ("%", "percent", "per cent")

# A count in words: number words and scales, and the words that state an amount without a
# digit ("dozens", "half", "twice", "none"); a regular-expression alternation.
_AMOUNT_WORDS = ("dozens?", "half", "double", "twice", "triple", "quadruple", "zero", "none")
COUNT_WORDS_PATTERN = "|".join((*NUMBER_WORDS, *SCALES, *_AMOUNT_WORDS))
# A quantity: a number, with a currency sign, or in words; or a range of two ("3 to 5").
_COUNT_WORDS = rf"(?:{COUNT_WORDS_PATTERN})(?:[- ](?:{COUNT_WORDS_PATTERN}))*"
_ONE_QUANTITY = rf"(?:[$£€¥]\s?)?\d[\d,.]*|{_COUNT_WORDS}"
QUANTITY_PATTERN = rf"(?:{_ONE_QUANTITY})(?:\s?(?:-|–|to)\s?(?:{_ONE_QUANTITY}))?"
# The units a measure is given in, by the unit a measure question asks for. "m" is metres
# only glued to a bare number ("300m": `METRES_PATTERN`); with a currency sign it is millions.
MEASURE_UNITS = {
    "length": r"feet|foot|ft|meters?|metres?|km|kilometers?|kilometres?|miles?|mi|inch(?:es)?"
    r"|yards?|cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?|nautical miles?",
    "weight": r"kg|kilos?|kilograms?|grams?|g|pounds?|lbs?|tons?|tonnes?|ounces?|oz",
    # "million" alone is no sum ("3 million people"); "$3 million" is found by the sign.
    "money": r"dollars?|euros?|pounds?|yuan|yen|rupees?|francs?|pesos?|rubles?|roubles?"
    r"|won|dinars?",
    "speed": r"mph|km/h|kph|knots?|miles (?:an|per) hour|kilomet(?:er|re)s (?:an|per) hour"
    r"|meters per second|m/s|rpm|revolutions per minute",
    "percent": "|".join(PERCENT_WORDS) + r"|percentage points?",
    "temperature": r"degrees?|°[CF]?",
    "population": r"people|persons|residents|inhabitants|citizens|thousand|million|billion",
}
METRES_PATTERN = r"(?<![\w$£€¥.,])\d[\d,.]*m\b"
# A sum after a currency sign, with its scale ("$3.2 billion", "£600m").
MONEY_PATTERN = r"[$£€¥]\s?\d[\d,.]*(?:\s?(?:" + "|".join(LARGE_SCALES) + r"|bn|m)\b)?"
# A share in words answers "what percentage" ("over half", "a third", "the majority").
SHARE_PATTERN = r"\b(?:half|(?:a |one[- ])?(?:third|quarter|fifth|tenth)s?|majority)\b"
# A passage about a population counts it even without a unit ("estimated at 2,000").
POPULATION_PATTERN = r"\bpopulations?\b"
