"""The list pages as data and the detail pages' structured data, end to end."""

import csv
import io
import json

import pytest

from articles.models import PublicationStatus, Statement

from .factories import StatementFactory

pytestmark = pytest.mark.django_db


def streamed(response) -> str:
    # utf-8-sig: a CSV starts with the byte order mark spreadsheets need (data-format.md).
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_statement_list_exports_exactly_the_filtered_rows_as_csv(client, demo):
    StatementFactory(status=PublicationStatus.DRAFT, text="We will keep talking.")
    response = client.get("/statements/", {"speaker": "israel-defense-forces", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    expected = Statement.objects.published().filter(speaker__slug="israel-defense-forces")
    assert {int(row["id"]) for row in rows} == set(expected.values_list("pk", flat=True))
    assert {row["speaker_name"] for row in rows} == {"Israel Defense Forces"}
    assert {row["source_outlet_name"] for row in rows} == {"TechBallad"}


def test_statement_json_export_carries_the_role_at_the_time(client, demo):
    response = client.get("/statements/", {"speaker": "james-cleverly", "format": "json"})
    [row] = json.loads(streamed(response))
    assert row["speaker_role"].startswith("Foreign Secretary")
    assert row["kind"] == "quote"
    assert row["source_permalink"].endswith(f"#statement-{row['id']}")


def test_event_list_is_an_atom_feed_of_the_filtered_rows(client, demo):
    response = client.get("/events/", {"kind": "air_strike", "format": "atom"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode() if not response.streaming else streamed(response)
    assert "Israel Air Force strike on a cell in the Mount Dov area" in content
    assert "Joe Biden visits Israel" not in content


def test_unknown_format_is_a_clear_400(client, demo):
    response = client.get("/statements/", {"format": "xml"})
    assert response.status_code == 400
    assert "csv" in response.content.decode()


def test_invalid_filter_exports_nothing(client, demo):
    response = client.get("/statements/", {"date_from": "2023-13-45", "format": "csv"})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]


def test_list_pages_link_to_their_exports_keeping_the_filters(client, demo):
    html = client.get("/statements/", {"speaker": "matthew-miller"}).content.decode()
    assert "?speaker=matthew-miller&amp;format=csv" in html
    assert "?speaker=matthew-miller&amp;format=atom" in html


def test_statement_page_carries_a_quotation_in_json_ld_and_open_graph(client, demo):
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    html = client.get(statement.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "Quotation"
    assert data["spokenByCharacter"]["name"] == "Matthew Miller"
    assert 'property="og:title"' in html


@pytest.mark.parametrize(
    "path", ["/actors/james-cleverly/", "/events/hamas-attack-on-israel-2023-10-07/"]
)
def test_detail_pages_carry_json_ld(client, demo, path):
    html = client.get(path).content.decode()
    assert '<script type="application/ld+json">' in html
    assert 'property="og:url"' in html
