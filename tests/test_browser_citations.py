"""Citing a record in a real Chromium: the RIS download, the meta tags reference
managers read, and a right-to-left name that stays in its place."""

from pathlib import Path

import pytest

from articles.models import Statement
from articles.services import demo_load
from tests.factories import ActorFactory, ArticleFactory, OutletFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_downloads_the_ris_citation_beside_the_others(live_server, page):
    demo_load()
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    page.goto(f"{live_server.url}/statements/{statement.pk}/")
    cite = page.get_by_role("region", name="Cite this")
    with page.expect_download() as info:
        cite.get_by_role("link", name="Download RIS").click()
    download = info.value
    assert download.suggested_filename == f"archive-statement-{statement.pk}.ris"
    ris = Path(download.path()).read_text(encoding="utf-8")
    assert ris.startswith("TY  - GEN")
    assert "AU  - Matthew Miller" in ris and "T2  - TechBallad" in ris
    assert "DA  - 2023/10/29/" in ris

    meta = page.evaluate(
        """() => Array.from(document.querySelectorAll('head meta[name^="citation_"]'))
                 .map(m => [m.name, m.content])"""
    )
    assert ["citation_author", "Matthew Miller"] in meta
    assert ["citation_publication_date", "2023/10/29"] in meta
    assert ["citation_journal_title", "TechBallad"] in meta
    assert [name for name, _ in meta].count("citation_title") == 1


def test_a_right_to_left_outlet_keeps_its_date_after_it_in_the_plain_citation(live_server, page):
    outlet = OutletFactory(name="הארץ")
    statement = StatementFactory(
        speaker=ActorFactory(name="יואב גלנט"), article=ArticleFactory(outlet=outlet)
    )
    page.goto(f"{live_server.url}{statement.get_absolute_url()}")
    text = page.get_by_label("Plain text").inner_text()
    assert text.startswith("\u2068יואב גלנט\u2069. ")
    assert "\u2068הארץ\u2069, 30 October 2023." in text
    # Laid out left to right: the outlet, then its comma, then the date (unisolated, the
    # bidi algorithm would pull ", 30" to the left of the Hebrew name).
    boxes = page.evaluate(
        """() => {
            const node = document.querySelector('pre[aria-labelledby="cite-plain"]').firstChild;
            const start = node.data.indexOf('\u2068הארץ');
            const box = (from, length) => {
                const range = document.createRange();
                range.setStart(node, from);
                range.setEnd(node, from + length);
                return range.getBoundingClientRect();
            };
            const comma = start + 6;  // FSI, four letters, PDI
            return {name: box(start + 1, 4), comma: box(comma, 1), day: box(comma + 2, 2)};
        }"""
    )
    assert boxes["name"]["top"] == pytest.approx(boxes["day"]["top"], abs=2)  # one line
    assert boxes["name"]["right"] <= boxes["comma"]["left"] + 1
    assert boxes["comma"]["right"] <= boxes["day"]["left"] + 1
