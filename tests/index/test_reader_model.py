"""The shipped reader on its own: it reads, it declines to find an answer that is not there,
it marks the answer's words, its weights are the ones its card names, and it can be trained."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from index import Reader
from index.reader_model import MODEL_DIR, card_sha256

ROOT = Path(__file__).resolve().parents[2]
MEETING = [
    (
        "Blinken arrived in Beijing on Sunday for talks with Qin Gang.",
        "Qin raised the Taiwan issue during the meeting with Blinken in Beijing.",
    ),
    (
        "The two ministers met at the Diaoyutai State Guesthouse.",
        "The talks lasted for five and a half hours, officials said.",
    ),
    ("", "Blinken is the first US secretary of state to visit China in five years."),
]


@pytest.fixture(scope="module")
def reader(model_cache: Path) -> Reader:
    return Reader(cache_dir=model_cache, precision="int8", threads=1)


def test_the_committed_weights_are_the_ones_the_model_card_names():
    weights = (MODEL_DIR / "model.safetensors").read_bytes()

    assert hashlib.sha256(weights).hexdigest() == card_sha256(MODEL_DIR)
    assert len(weights) < 60 * 2**20, "half precision: tens of MB, not hundreds"


@pytest.mark.parametrize(
    ("question", "distractor", "answering"),
    [
        (
            "How many passengers were on the plane?",
            "The plane that carried the passengers landed safely, the airline said of the plane.",
            "The aircraft had 180 people on board when it took off.",
        ),
        (
            "What did Blinken write on Twitter about his phone call with Qin?",
            "Qin told Blinken in the phone call that the US should respect China's core concerns.",
            "Blinken wrote on Twitter that he had discussed efforts to maintain open lines of "
            "communication.",
        ),
    ],
)
def test_the_answering_sentence_outranks_a_distractor_sharing_more_words(
    reader, question, distractor, answering
):
    asked = set(re.findall(r"\w+", question.lower()))
    shared = [len(asked & set(re.findall(r"\w+", s.lower()))) for s in (distractor, answering)]

    wrong, right = reader.score(question, [("", distractor), ("", answering)])

    assert shared[0] > shared[1]
    assert right.probability > wrong.probability
    assert right.probability > 0.5


def test_a_question_the_sentences_do_not_answer_scores_below_the_line(reader):
    results = reader.score("What did Blinken eat for dinner in Beijing?", MEETING)

    assert all(r.probability < 0.5 for r in results)


def test_the_span_is_the_answers_words(reader):
    (result,) = reader.score("How long did the talks last?", [MEETING[1]])

    assert result.span is not None
    start, end = result.span
    assert MEETING[1][1][start:end] == "five and a half hours"


def test_weights_that_differ_from_the_card_are_refused(tmp_path, model_cache):
    from kernel.errors import ModelNotFound

    for name in ("config.json", "tokenizer.json", "MODEL_CARD.md"):
        (tmp_path / name).write_bytes((MODEL_DIR / name).read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")

    with pytest.raises(ModelNotFound, match="differ from the SHA-256"):
        Reader(tmp_path, cache_dir=model_cache)


# Paragraphs in SQuAD's shape, written here (no data set is read): (title, text, questions).
_TINY = [
    (
        "Talks",
        "Blinken arrived in Beijing on Sunday. The talks with Qin Gang lasted for five and a "
        "half hours. Both officials then dined together.",
        [
            ("How long did the talks last?", "five and a half hours"),
            ("Where did Blinken arrive?", "Beijing"),
        ],
    ),
    (
        "Balloon",
        "A Chinese balloon flew over the United States in February. An American fighter jet "
        "shot it down on February 4. Beijing said it was a weather balloon.",
        [
            ("When was the balloon shot down?", "February 4"),
            ("What shot the balloon down?", "An American fighter jet"),
        ],
    ),
    (
        "Solar_energy",
        "The bridge spans 720 metres across the valley. It cost 14 million euros. About 9,000 "
        "visitors crossed it on its first weekend.",
        [("How long is the bridge?", "720 metres"), ("How much did it cost?", "14 million euros")],
    ),
]


def _tiny_data(path: Path) -> Path:
    lines = []
    for title, text, questions in _TINY:
        qas = [
            {
                "id": f"{title}-{n}",
                "question": question,
                "is_impossible": False,
                "answers": [{"text": answer, "answer_start": text.index(answer)}],
                "split": "train-v1.1",
            }
            for n, (question, answer) in enumerate(questions)
        ]
        qas.append(
            {
                "id": f"{title}-x",
                "question": "What did the king eat?",
                "is_impossible": True,
                "answers": [],
                "split": "train-v2.0",
            }
        )
        for copy in range(10):  # enough questions for the tiny run's sampling
            lines.append(
                {
                    "title": title,
                    "context": text,
                    "origin": "test",
                    "qas": [{**qa, "id": f"{qa['id']}-{copy}"} for qa in qas],
                }
            )
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_tiny_training_run_writes_a_checkpoint(tmp_path):
    data = _tiny_data(tmp_path / "paragraphs.jsonl")
    command = [sys.executable, str(ROOT / "training" / "train_reader.py"), "--tiny"]
    command += ["--out", str(tmp_path / "run"), "--data", str(data)]

    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        cwd=ROOT,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "run" / "last.pt").exists()
    assert "validation" in result.stdout
