"""scanner.sources: the sources file, validated, with every problem reported at once."""
from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import ConfigError, ExitCode
from scanner.sources import Politeness, Selectors, Source, SourcesError, load_sources, source_from_url

MINIMAL = """
[[source]]
name = "example"
start_urls = ["https://board.example/jobs/"]
kind = "job"
"""

FULL = """
[[source]]
name = "darbs.example.lv"
start_urls = ["https://Darbs.Example.lv/vakances/?utm_source=x", "https://darbs.example.lv/vakances/"]
kind = "job"
lang = "lv"
link_selector = "ul.job-list a.job-link"
next_selector = "a[rel=next]"
advert_url_patterns = ['/vakance/\\d+']
exclude_url_patterns = ['/print/', '\\?sort=']
max_pages = 200
sitemaps = false

[source.selectors]
title = "h1.advert-title"
body = ".advert-body"
employer = ".advert-details tr:nth-child(1) td"
pay = ".salary"

[source.politeness]
min_delay = 2.5
polite = true

[[source]]
name = "znakomstva"
start_urls = ["https://znakomstva.example/search"]
kind = "dating"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_entry_gets_every_default(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, MINIMAL))
    assert source == Source(name="example", start_urls=("https://board.example/jobs/",), kind="job")
    assert source.selectors == Selectors() and source.politeness == Politeness()
    assert source.sitemaps is True and source.max_pages is None and source.lang is None
    assert not source.is_advert_url("https://board.example/jobs/1") and not source.is_excluded("https://x")


def test_full_entry(tmp_path: Path) -> None:
    lv, dating = load_sources(write(tmp_path, FULL))
    assert lv.start_urls == ("https://darbs.example.lv/vakances/",)  # normalized, then deduplicated
    assert (lv.kind, lv.lang, lv.max_pages, lv.sitemaps) == ("job", "lv", 200, False)
    assert lv.selectors.title == "h1.advert-title" and lv.selectors.fields() == {
        "employer": ".advert-details tr:nth-child(1) td", "pay": ".salary"}
    assert lv.politeness == Politeness(min_delay=2.5, polite=True)
    assert lv.is_advert_url("https://darbs.example.lv/vakance/123-x")
    assert not lv.is_advert_url("https://darbs.example.lv/vakances/?page=2")
    assert lv.is_excluded("https://darbs.example.lv/vakances/?sort=pay")
    assert dating.kind == "dating" and dating.selectors == Selectors()


def test_sources_are_frozen(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, MINIMAL))
    with pytest.raises(AttributeError):
        source.name = "other"  # type: ignore[misc]
    assert hash(source)


def test_unknown_keys_everywhere_are_reported_at_once_with_suggestions(tmp_path: Path) -> None:
    text = MINIMAL + """max_page = 10
start_url = "https://x.example/"
[source.selectors]
titel = "h1"
[source.politeness]
min_dealy = 1
[[source]]
name = "second"
start_urls = ["https://second.example/"]
kind = "job"
sitemap = false
[settings]
x = 1
"""
    path = write(tmp_path, text)
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    problems = caught.value.problems
    assert len(problems) == 6, problems
    expected = [
        "source 'example': unknown key 'max_page' (did you mean 'max_pages'?)",
        "source 'example': unknown key 'start_url' (did you mean 'start_urls'?)",
        "source 'example': unknown key 'selectors.titel' (did you mean 'title'?)",
        "source 'example': unknown key 'politeness.min_dealy' (did you mean 'min_delay'?)",
        "source 'second': unknown key 'sitemap' (did you mean 'sitemaps'?)",
        "top level: unknown key 'settings'",
    ]
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    assert all(p.startswith(str(path)) for p in problems)
    assert str(path) in caught.value.message and "6 problem(s)" in caught.value.message
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == ExitCode.USAGE
    assert caught.value.to_dict()["problems"] == problems


def test_bad_values_are_reported_with_their_source(tmp_path: Path) -> None:
    text = """
[[source]]
name = "bad name!"
start_urls = ["ftp://board.example/"]
kind = "jobs"
lang = "ua"
link_selector = "a[href"
advert_url_patterns = ["(unclosed"]
max_pages = 0

[[source]]
start_urls = []
kind = "job"

[[source]]
name = "dup"
start_urls = ["https://a.example/"]
kind = "job"

[[source]]
name = "dup"
start_urls = ["https://b.example/"]
kind = "job"
sitemaps = "yes"
"""
    with pytest.raises(SourcesError) as caught:
        load_sources(write(tmp_path, text))
    joined = "\n".join(caught.value.problems)
    for fragment in ["source 'bad name!': name:", "start_urls:", "is not an http(s) URL", "kind:", "lang:",
                     "bad CSS selector 'a[href'", "bad regular expression '(unclosed'", "max_pages:",
                     "source #2: missing key 'name'", "source #2: start_urls:", "source 'dup': sitemaps:",
                     "source 'dup': the name is used by 2 sources"]:
        assert fragment in joined, (fragment, joined)


def test_table_instead_of_array_of_tables(tmp_path: Path) -> None:
    path = write(tmp_path, '[source]\nname = "x"\nstart_urls = ["https://x.example/"]\nkind = "job"\n')
    with pytest.raises(SourcesError, match=r"add at least one \[\[source\]\]"):
        load_sources(path)


@pytest.mark.parametrize(("text", "message"), [
    ("", r"add at least one \[\[source\]\]"),
    ("[[source]\nname=", "not valid TOML"),
])
def test_empty_and_broken_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_sources(tmp_path / "nope.toml")


def test_source_from_url() -> None:
    source = source_from_url("https://WWW.Board.example/jobs/?utm_source=x#top")
    assert source == Source(name="board.example", start_urls=("https://www.board.example/jobs/",), kind="unknown")
    assert source_from_url("http://127.0.0.1:8080/", kind="dating").name == "127.0.0.1"
    assert source_from_url("http://127.0.0.1:8080/", kind="dating").kind == "dating"


@pytest.mark.parametrize(("url", "kind", "message"), [
    ("board.example/jobs", "job", "not an http"),
    ("ftp://board.example/", "job", "not an http"),
    ("https://board.example/", "escort", "unknown advert kind"),
])
def test_source_from_url_errors(url: str, kind: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        source_from_url(url, kind=kind)
