"""Printing text that came from users or articles without letting it drive the terminal."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 and C1 controls (but tab and newline), DEL, the bidirectional overrides that can
# disguise text, and lone surrogates (bytes that were not UTF-8, which cannot be printed).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with control characters written as visible escapes (ESC becomes `\\x1b`)."""
    return _UNSAFE.sub(_escape, text)


def json_line(value: Any) -> str:  # noqa: ANN401 (any JSON-serialisable value)
    """`value` as one line of JSON that is also safe to print.

    JSON already escapes C0 controls; the rest of `shown`'s characters are written as
    `\\uXXXX` escapes, which are valid JSON, so a reader gets the original text back.
    """
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
