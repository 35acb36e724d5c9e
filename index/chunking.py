"""Sentence segmentation and chunking, every piece carrying its span in the cleaned text."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import blingfire
import numpy as np

TokenCounter = Callable[[Sequence[str]], list[int]]

_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")
# A tokenizer counts a word of over 100 characters as one unknown token, so token counts
# alone cannot bound a piece's length: a 5 MB word would be "one token". Characters can.
_MAX_WORD_CHARS = 100
CHARS_PER_TOKEN_CAP = 8


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` in an article's cleaned text."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences, `first_sentence` to `last_sentence` of the article's list."""

    start: int
    end: int
    first_sentence: int
    last_sentence: int  # inclusive


def _sentence_offsets(paragraph: str) -> list[tuple[int, int]]:
    """blingfire's sentence spans of `paragraph`, in characters.

    blingfire's own Python wrapper maps its UTF-8 byte offsets back to characters one byte
    at a time, which took a third of the time of reading an archive; here the mapping is
    one pass of numpy over the bytes. Falls back to the wrapper where its library handle is
    not exposed.
    """
    library = getattr(blingfire, "blingfire", None)
    if library is None:
        return list(blingfire.text_to_sentences_and_offsets(paragraph)[1])
    data = paragraph.encode("utf-8")
    room = len(data) * 2 + 1
    out = ctypes.create_string_buffer(room)
    starts, ends = (ctypes.c_int32 * room)(), (ctypes.c_int32 * room)()
    found = library.TextToSentencesWithOffsets(
        ctypes.c_char_p(data),
        ctypes.c_int(len(data)),
        ctypes.byref(out),
        ctypes.byref(starts),
        ctypes.byref(ends),
        ctypes.c_int(room),
    )
    if found == -1 or found > room:
        return []
    count = out.value.count(b"\n") + 1
    # Characters before each byte: lead bytes (not 10xxxxxx) start a character.
    raw = np.frombuffer(data, dtype=np.uint8)
    before = np.concatenate(([0], np.cumsum((raw & 0xC0) != 0x80)))
    first = np.frombuffer(memoryview(starts), dtype=np.int32, count=count)
    last = np.minimum(np.frombuffer(memoryview(ends), dtype=np.int32, count=count) + 1, len(data))
    lead = np.append((raw & 0xC0) != 0x80, True)  # the end of the text counts as a lead
    if not (out.value and lead[first].all() and lead[last].all()):
        # Offsets inside a character, seen only on text with no sentence at all: the
        # wrapper's own answer, whatever it makes of it.
        return list(blingfire.text_to_sentences_and_offsets(paragraph)[1])
    return list(zip(before[first].tolist(), before[last].tolist(), strict=True))


def split_sentences(text: str) -> list[Span]:
    """Sentences of `text`, never crossing a line break, with exact character spans."""
    spans = []
    for paragraph in _PARAGRAPH.finditer(text):
        base = paragraph.start()
        for start, end in _sentence_offsets(paragraph.group()):
            piece = paragraph.group()[start:end]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if piece.strip():
                spans.append(Span(base + start + lead, base + end - trail))
    return spans


def _cut_word(text: str, start: int, end: int, limit: int, count: TokenCounter) -> list[Span]:
    """Cut one word longer than `limit` tokens (a long URL, a run of CJK text) into parts."""
    width = end - start
    while True:
        width = max(1, width // 2)
        parts = [Span(s, min(s + width, end)) for s in range(start, end, width)]
        if width == 1 or max(count([text[p.start : p.end] for p in parts])) <= limit:
            return parts


def _cut_by_chars(word: Span) -> list[Span]:
    step = _MAX_WORD_CHARS
    return [Span(s, min(s + step, word.end)) for s in range(word.start, word.end, step)]


def _split_long(text: str, span: Span, limit: int, count: TokenCounter) -> list[Span]:
    """Cut one over-long sentence at word boundaries into pieces of at most `limit` tokens
    and `limit * CHARS_PER_TOKEN_CAP` characters."""
    words = [
        part
        for m in _WORD.finditer(text, span.start, span.end)
        for part in _cut_by_chars(Span(m.start(), m.end()))
    ]
    sizes = count([text[w.start : w.end] for w in words])
    if max(sizes) > limit:
        words = [
            part
            for word, size in zip(words, sizes, strict=True)
            for part in (
                [word] if size <= limit else _cut_word(text, word.start, word.end, limit, count)
            )
        ]
        sizes = count([text[w.start : w.end] for w in words])
    max_chars = limit * CHARS_PER_TOKEN_CAP
    pieces, begin, used, prev_end = [], words[0].start, 0, words[0].end
    for word, size in zip(words, sizes, strict=True):
        if used and (used + size > limit or word.end - begin > max_chars):
            pieces.append(Span(begin, prev_end))
            begin, used = word.start, 0
        used += size
        prev_end = word.end
    pieces.append(Span(begin, prev_end))
    return pieces


def segment(text: str, *, max_tokens: int, count: TokenCounter) -> tuple[list[Span], list[int]]:
    """Sentences of `text` with their token counts; none is longer than `max_tokens`."""
    spans = split_sentences(text)
    sizes = count([text[s.start : s.end] for s in spans]) if spans else []
    out_spans: list[Span] = []
    out_sizes: list[int] = []
    for span, size in zip(spans, sizes, strict=True):
        if size <= max_tokens and span.end - span.start <= max_tokens * CHARS_PER_TOKEN_CAP:
            out_spans.append(span)
            out_sizes.append(size)
            continue
        pieces = _split_long(text, span, max_tokens, count)
        out_spans.extend(pieces)
        out_sizes.extend(count([text[p.start : p.end] for p in pieces]))
    return out_spans, out_sizes


def chunk_sentences(
    sentences: Sequence[Span], sizes: Sequence[int], *, max_tokens: int, overlap_tokens: int
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens` tokens.

    Consecutive chunks share their boundary sentences, up to `overlap_tokens` tokens, so
    a passage that straddles two chunks is whole in at least one of them. Sizes count the
    tokens of each sentence alone; the separator between sentences costs nothing here and
    the callers leave a margin for it. A chunk also stays within `max_tokens *
    CHARS_PER_TOKEN_CAP` characters, unless one sentence alone is longer.
    """
    chunks: list[Chunk] = []
    first = 0
    n = len(sentences)
    max_chars = max_tokens * CHARS_PER_TOKEN_CAP
    while first < n:
        last, used = first, sizes[first]
        while (
            last + 1 < n
            and used + sizes[last + 1] <= max_tokens
            and sentences[last + 1].end - sentences[first].start <= max_chars
        ):
            last += 1
            used += sizes[last]
        chunks.append(Chunk(sentences[first].start, sentences[last].end, first, last))
        if last + 1 >= n:
            break
        nxt, carried = last + 1, 0
        while nxt - 1 > first and carried + sizes[nxt - 1] <= overlap_tokens:
            nxt -= 1
            carried += sizes[nxt]
        first = nxt
    return chunks
