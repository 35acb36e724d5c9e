"""squad-partial as reader training data: sentences, gold sentences, spans and negatives."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "squad-partial" / "paragraphs.jsonl"
# Held out by name: one article with SQuAD 2.0 unanswerable questions, one without.
VALIDATION_TITLES = ("The_Legend_of_Zelda:_Twilight_Princess", "Solar_energy")
CROSS_POOL = 8  # a question's cross-paragraph negatives are drawn from its nearest sentences


@dataclass
class Paragraph:
    """One SQuAD paragraph split into sentences as the index splits text."""

    title: str
    context: str
    spans: list[tuple[int, int]]
    sentence_ids: list[int]  # global sentence numbers, in order

    def sentence(self, k: int) -> str:
        return self.context[self.spans[k][0] : self.spans[k][1]]

    def previous(self, k: int) -> str:
        return self.sentence(k - 1) if k > 0 else ""


@dataclass
class Question:
    """A question, its paragraph, and where its answer is (None when unanswerable)."""

    text: str
    paragraph: int
    answer: str | None
    gold: int | None  # sentence number inside the paragraph
    span: tuple[int, int] | None  # answer characters inside the gold sentence
    holders: set[int] = field(default_factory=set)  # sentences (in paragraph) holding it
    cross: list[int] = field(default_factory=list)  # nearest sentences of other paragraphs


@dataclass
class Corpus:
    paragraphs: list[Paragraph]
    sentences: list[tuple[int, int]]  # global sentence -> (paragraph, k)
    train: list[Question]
    validation: list[Question]

    def text(self, sentence: int) -> tuple[str, str]:
        """(previous sentence, sentence) of a global sentence number."""
        p, k = self.sentences[sentence]
        return self.paragraphs[p].previous(k), self.paragraphs[p].sentence(k)

    def holds(self, sentence: int, answer: str | None) -> bool:
        return answer is not None and answer.lower() in self.text(sentence)[1].lower()


def _question(paragraph: Paragraph, index: int, qa: dict[str, Any]) -> Question:
    if qa["is_impossible"] or not qa["answers"]:
        return Question(qa["question"], index, None, None, None)
    text, start = qa["answers"][0]["text"], qa["answers"][0]["answer_start"]
    gold = next(
        k for k, (s, e) in enumerate(paragraph.spans) if start < e or k == len(paragraph.spans) - 1
    )
    s, e = paragraph.spans[gold]
    inside = s <= start and start + len(text) <= e
    holders = {
        k for k in range(len(paragraph.spans)) if text.lower() in paragraph.sentence(k).lower()
    }
    return Question(
        qa["question"],
        index,
        text,
        gold,
        (start - s, start - s + len(text)) if inside else None,
        holders | {gold},
    )


def load_corpus(*, tiny: bool = False, data: Path = DATA) -> Corpus:
    """Paragraphs and questions of `data` (SQuAD paragraphs, one a line), split by article;
    `tiny` keeps a handful of each."""
    paragraphs: list[Paragraph] = []
    sentences: list[tuple[int, int]] = []
    train: list[Question] = []
    validation: list[Question] = []
    seen: dict[str, int] = {}
    for line in data.open(encoding="utf-8"):
        record = json.loads(line)
        seen[record["title"]] = seen.get(record["title"], 0) + 1
        if tiny and seen[record["title"]] > 2:
            continue
        spans = [(s.start, s.end) for s in split_sentences(record["context"])]
        number = len(paragraphs)
        ids = list(range(len(sentences), len(sentences) + len(spans)))
        sentences.extend((number, k) for k in range(len(spans)))
        paragraph = Paragraph(record["title"], record["context"], spans, ids)
        paragraphs.append(paragraph)
        target = validation if record["title"] in VALIDATION_TITLES else train
        target.extend(_question(paragraph, number, qa) for qa in record["qas"])
    if tiny:
        train, validation = train[::10][:24], validation[::4][:12]
    return Corpus(paragraphs, sentences, train, validation)


def add_cross_negatives(
    corpus: Corpus, questions_vec: NDArray[np.float32], sentence_vec: NDArray[np.float32]
) -> None:
    """Give each training question its nearest training sentences of other paragraphs by the
    encoder's cosine, leaving out any that holds the answer text (it may well answer)."""
    train_titles = {corpus.paragraphs[q.paragraph].title for q in corpus.train}
    pool = np.array(
        [
            g
            for g, (p, _) in enumerate(corpus.sentences)
            if corpus.paragraphs[p].title in train_titles
        ]
    )
    similarity = questions_vec @ sentence_vec[pool].T
    for row, question in enumerate(corpus.train):
        picked: list[int] = []
        for j in np.argsort(-similarity[row]):
            sentence = int(pool[j])
            if corpus.sentences[sentence][0] == question.paragraph:
                continue
            if corpus.holds(sentence, question.answer):
                continue
            picked.append(sentence)
            if len(picked) == CROSS_POOL:
                break
        question.cross = picked


@dataclass(frozen=True)
class Pair:
    """One training input: which question, which sentence, and its labels."""

    question: int
    sentence: int
    label: float
    span: tuple[int, int] | None  # answer characters in the sentence, positives only


def make_group(corpus: Corpus, number: int, rng: random.Random, size: int) -> list[Pair]:
    """A question's training pairs: the answering sentence first (when there is one), then
    negatives of its own paragraph and sentences on the same subject from other paragraphs."""
    q = corpus.train[number]
    paragraph = corpus.paragraphs[q.paragraph]
    own = [k for k in range(len(paragraph.spans)) if k not in q.holders]
    rng.shuffle(own)
    cross = list(q.cross)
    rng.shuffle(cross)
    if q.gold is None:  # unanswerable: every sentence is a negative, its own paragraph first
        chosen = [paragraph.sentence_ids[k] for k in own[: size - 1]]
        chosen += cross[: size - len(chosen)]
        return [Pair(number, s, 0.0, None) for s in chosen]
    pairs = [Pair(number, paragraph.sentence_ids[q.gold], 1.0, q.span)]
    negatives = [paragraph.sentence_ids[k] for k in own[: size - 2]]
    negatives += cross[: size - 1 - len(negatives)]
    return pairs + [Pair(number, s, 0.0, None) for s in negatives]
