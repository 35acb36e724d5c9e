"""The lines English news pages wrap an article in: date lines, related links, comment
forms, cookie banners, credits. Read without regard to case."""

from __future__ import annotations

from language.calendar import MONTH_NAMES, WEEKDAY_NAMES

# Each month as its name or the name's first three letters ("jan(?:uary)?"), and "sept".
_MONTHS = "|".join(f"{name[:3].lower()}(?:{name[3:].lower()})?" for name in MONTH_NAMES) + "|sept"
_WEEKDAYS = "|".join(name[:3].lower() for name in WEEKDAY_NAMES)
_TIME = r"(?:,?\s*(?:at\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
# A line that only dates the page ("Updated on: Mon, Jan. 5, 2023 at 10:30 a.m. EST").
DATE_LINE_PATTERN = (
    r"^(?:(?:last\s+)?(?:updated|published|posted|modified)(?:\s+on)?:?\s*)?"
    rf"(?:(?:{_WEEKDAYS})[a-z]*,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})"
    rf"{_TIME}\.?$"
)
# A line that starts one of these ends the article: what follows is links, comments, banners.
FOOTER_PATTERN = (
    r"^(?:you may also like|you might also like|leave a (?:comment|reply)|read also:?|"
    r"also read:?|related (?:articles|posts|news|stories)|more from |recommended for you|"
    r"privacy (?:&|and) cookies policy|share this:?$|comments?$|\d+ comments?$)"
)
# A single line of any of these kinds is dropped wherever it stands.
DROPPED_LINE_PATTERNS = (
    r"^home\s*[»>›/|]",  # breadcrumb
    r"^[^.!?]*\s[»›]\s[^.!?]*$",  # breadcrumb trail; "Watch this »" inside a paragraph stays
    r"^by\s+[\w.'@-]+(?:\s+[\w.'@-]+){0,3}$",  # "by admin"
    r"^(?:\d+|no)\s+comments?$",
    r"^(?:see also|read also|read more|also read|related(?! to\b))\b",
    r"^(?:more|most) (?:important |popular |read )?(?:news|stories|articles)$",
    r"\b(?:we|this (?:web)?site) uses? cookies\b|\baccept (?:all )?cookies\b",  # banners
    r"^(?:privacy (?:&|and) )?cookies? (?:policy|settings|preferences)$",
    r"\bakismet\b",
    r"^(?:share|tweet|email|print)(?:\s+(?:on|this|article))*\W*$",
    # A caption's credit ("… in Beijing. Photo Reuters"); not "a photo finish." in a sentence.
    r"(?-i:(?:^|[.!?)]\s|\()Photo(?:graph)?:?\s+(?:by\s+)?[A-Z][\w./ ]{1,30}\)?)$",
    r"^advertisement$",
    r"^(?:skip to (?:main )?content|subscribe(?: now)?|sign up for .*newsletter.*)$",
)
# "Source: AFP" at the end names the agency the article came from (group 1).
SOURCE_LINE_PATTERN = r"^(?:source|sources|via)\s*:\s*(.{1,80})$"
