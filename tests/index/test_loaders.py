"""Loading article files: each format's text and metadata, and files that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import BuildOptions, build_index
from index.cleaning import clean_body
from index.loaders import RawArticle, SkippedFile, load_file
from tests.conftest import CORPUS

DATA = Path(__file__).parent / "data"
HTML_ARTICLE = DATA / "harbour_article.html"


def _load_one(path: Path) -> RawArticle:
    skipped: list[SkippedFile] = []
    articles = load_file(path, skipped)
    assert skipped == []
    assert len(articles) == 1
    return articles[0]


def test_txt_file_is_one_article_named_after_its_stem(tmp_path):
    path = tmp_path / "bbc_001.txt"
    path.write_text("Quarterly profits jumped 76%.\n\nThe firm benefited from sales.\n")

    article = _load_one(path)

    assert article.article_id == "bbc_001"
    assert article.body == "Quarterly profits jumped 76%.\n\nThe firm benefited from sales.\n"
    assert article.title is None


def test_txt_file_with_windows_line_endings_reads_as_plain_lines(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line of the story.\r\nSecond line of the story.\r\n")

    assert _load_one(path).body == "First line of the story.\nSecond line of the story.\n"


def test_markdown_front_matter_becomes_metadata_and_leaves_the_body(tmp_path):
    path = tmp_path / "storm.md"
    path.write_text(
        "---\n"
        "title: Storm closes harbour\n"
        "outlet: Coastline Gazette\n"
        "agency: PA\n"
        "published: 2024-03-12\n"
        "url: https://coastline-gazette.example/storm\n"
        "category: weather\n"
        "---\n"
        "The harbour was closed on Tuesday.\n"
    )

    article = _load_one(path)

    assert article == RawArticle(
        article_id="storm",
        path=article.path,
        body="The harbour was closed on Tuesday.\n",
        title="Storm closes harbour",
        outlet="Coastline Gazette",
        agency="PA",
        published="2024-03-12",
        url="https://coastline-gazette.example/storm",
        category="weather",
    )


def test_bundled_markdown_article_keeps_its_date_and_category():
    article = _load_one(CORPUS / "001_6bfe9bbd82f5b990.md")

    assert article.article_id == "001_6bfe9bbd82f5b990"
    assert article.title == "China blames US for “new problems”."
    assert article.published == "2023-06-14"
    assert article.category == "International Relations"
    assert article.body.startswith("June 21, 2024\n")


def test_markdown_without_front_matter_is_all_body(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("Just a paragraph of news.\n")

    article = _load_one(path)

    assert article.body == "Just a paragraph of news.\n"
    assert article.title is None


def test_html_page_yields_the_article_text_without_page_furniture():
    article = _load_one(HTML_ARTICLE)
    cleaned = clean_body(article.body, article.title).text

    assert "Aberdeen harbour was closed to all shipping on Tuesday" in cleaned
    assert "precaution against flooding." in cleaned
    for furniture in (
        "cookies",
        "Accept all",
        "Subscribe to our newsletter",
        "Weather",
        "Related stories",
        "Ferry operator announces new winter timetable",
        "All rights reserved",
        "Privacy policy",
        "Contact us",
        "»",
    ):
        assert furniture not in cleaned


def test_html_page_metadata_is_read_from_the_page():
    article = _load_one(HTML_ARTICLE)

    assert article.article_id == "harbour_article"
    assert article.title == "Storm closes Aberdeen harbour for two days"
    assert article.published == "2024-03-12"
    assert article.outlet == "Coastline Gazette"
    assert article.url == "https://coastline-gazette.example/news/2024/03/storm-closes-harbour"


def test_jsonl_file_yields_one_article_a_line_with_its_metadata(tmp_path):
    path = tmp_path / "wire.jsonl"
    records = [
        {
            "id": "business/001",
            "title": "Ad sales boost profit",
            "text": "Profits rose.",
            "source": "BBC News",
            "published": None,
            "url": None,
            "category": "business",
        },
        {
            "doc_id": "rtqa-08a9",
            "title": "Conclave ending explained",
            "text": "Spoiler alert!",
            "outlet": "USA TODAY",
            "published": "2024-10-28",
            "url": "https://example.com/c",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    skipped: list[SkippedFile] = []

    articles = load_file(path, skipped)

    assert skipped == []
    assert [
        (a.article_id, a.title, a.outlet, a.published, a.url, a.category) for a in articles
    ] == [
        ("business/001", "Ad sales boost profit", "BBC News", None, None, "business"),
        (
            "rtqa-08a9",
            "Conclave ending explained",
            "USA TODAY",
            "2024-10-28",
            "https://example.com/c",
            None,
        ),
    ]
    assert [a.body for a in articles] == ["Profits rose.", "Spoiler alert!"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a", "text": "broken', "not valid JSON"),
        ('["a", "list"]', "not a JSON object"),
        ('{"id": "a", "title": "no text"}', "needs an 'id'"),
        ('{"text": "no id at all"}', "needs an 'id'"),
        ('{"id": "a", "text": "   "}', "needs an 'id'"),
    ],
)
def test_bad_jsonl_line_is_skipped_with_its_line_number_and_the_rest_loads(tmp_path, line, reason):
    path = tmp_path / "wire.jsonl"
    good = json.dumps({"id": "good", "text": "A fine article."})
    path.write_text(f"{good}\n{line}\n{good.replace('good', 'also-good')}\n")
    skipped: list[SkippedFile] = []

    articles = load_file(path, skipped)

    assert [a.article_id for a in articles] == ["good", "also-good"]
    assert len(skipped) == 1
    assert skipped[0].path.endswith("wire.jsonl:2")
    assert reason in skipped[0].reason


BAD_FILES = [
    ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("latin1.txt", "Caf\u00e9 owners protest.".encode("latin-1"), "not valid UTF-8"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n\t\n", "empty file"),
    ("broken.md", b"---\ntitle: [unclosed\n---\nBody text.\n", "malformed front matter"),
    ("unclosed.md", b"---\ntitle: A story\nBody text with no closing rule.\n", "never closed"),
    ("listy.md", b"---\n- one\n- two\n---\nBody text.\n", "not a mapping"),
    ("only-meta.md", b"---\ntitle: A story\n---\n\n", "no article text after the front matter"),
    (
        "scripts.html",
        b"<html><body><script>var page = 1;</script></body></html>",
        "no article text found",
    ),
    ("bad-utf8.jsonl", b'{"id": "a", "text": "\xff\xfe"}\n', "not valid UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES)
def test_unreadable_file_is_skipped_with_its_name_and_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    skipped: list[SkippedFile] = []

    assert load_file(path, skipped) == []
    assert len(skipped) == 1
    assert skipped[0].path.endswith(name)
    assert reason in skipped[0].reason


@pytest.mark.parametrize(("name", "content", "reason"), BAD_FILES)
def test_build_goes_on_past_an_unreadable_file_and_counts_it(
    tmp_path, fake_embedder, name, content, reason
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("The council approved the new budget on Monday.\n")
    (corpus / name).write_bytes(content)

    summary = build_index(corpus, tmp_path / "index", fake_embedder, BuildOptions())

    assert summary.articles == 1
    assert [(Path(s.path).name, reason in s.reason) for s in summary.skipped] == [(name, True)]


def test_article_with_nothing_left_after_cleaning_is_skipped(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("The council approved the new budget on Monday.\n")
    (corpus / "banner.html").write_text(
        "<html><body><div>We use cookies to improve your experience. Accept</div></body></html>"
    )

    summary = build_index(corpus, tmp_path / "index", fake_embedder)

    assert summary.articles == 1
    assert len(summary.skipped) == 1
    assert summary.skipped[0].path.endswith("banner.html")
    assert "no text left after cleaning" in summary.skipped[0].reason


def test_duplicate_article_id_is_skipped_naming_the_first_file(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": "story", "text": "First copy."}) + "\n")
    (corpus / "b.jsonl").write_text(json.dumps({"id": "story", "text": "Second copy."}) + "\n")

    summary = build_index(corpus, tmp_path / "index", fake_embedder)

    assert summary.articles == 1
    assert len(summary.skipped) == 1
    assert "duplicate article id 'story'" in summary.skipped[0].reason
    assert "a.jsonl" in summary.skipped[0].reason


def test_hidden_files_and_other_suffixes_are_not_read(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    (corpus / ".git").mkdir(parents=True)
    (corpus / ".git" / "notes.txt").write_text("Not an article.\n")
    (corpus / ".draft.txt").write_text("Not an article either.\n")
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (corpus / "story.txt").write_text("The bridge reopened to traffic on Friday.\n")

    summary = build_index(corpus, tmp_path / "index", fake_embedder)

    assert (summary.articles, summary.skipped) == (1, ())
