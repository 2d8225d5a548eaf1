"""Malformed archives: each is refused with the record and field named, nothing written.

One case per kind of fault, in every section and for every kind of field: bytes that are
not UTF-8 or not JSON, a wrong shape, nulls and wrong JSON types where a value is
required (no coercion), nesting deep enough to break a recursive parser, NUL characters,
duplicate natural keys, loops of parents, references to records that exist nowhere, an
unknown version. Every case asserts the message and that the database is unchanged.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from actors.models import Actor
from articles.formats.interchange import ArchiveError, archive_export, archive_import
from articles.models import Article, Event, Place, Statement

pytestmark = pytest.mark.django_db

DEEP = 100_000  # far past Python's recursion limit


def export_text() -> str:
    out = io.StringIO()
    archive_export(out)
    return out.getvalue()


def history_rows() -> int:
    return sum(model.history.count() for model in (Actor, Article, Statement, Event))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[dict, str], bytes | dict]  # (exported data, exported text) → file
    expected: tuple[str, ...]  # parts of the message, in order

    def __str__(self) -> str:
        return self.name


def change(section: str, index: int, **fields) -> Callable[[dict, str], dict]:
    def build(data: dict, text: str) -> dict:
        data[section][index].update(fields)
        return data

    return build


def raw(replace: str, by: bytes | str) -> Callable[[dict, str], bytes]:
    """The exported text with its first `replace` replaced, as bytes (maybe not UTF-8)."""

    def build(data: dict, text: str) -> bytes:
        assert replace in text
        by_bytes = by if isinstance(by, bytes) else by.encode()
        return text.encode().replace(replace.encode(), by_bytes, 1)

    return build


def whole(value) -> Callable[[dict, str], bytes]:
    return lambda data, text: value if isinstance(value, bytes) else json.dumps(value).encode()


def envelope(**changes) -> Callable[[dict, str], dict]:
    def build(data: dict, text: str) -> dict:
        for name, value in changes.items():
            if value is ...:
                del data[name]
            else:
                data[name] = value
        return data

    return build


def then(*steps) -> Callable[[dict, str], dict]:
    def build(data: dict, text: str) -> dict:
        for step in steps:
            data = step(data, text)
        return data

    return build


def append_copy(section: str, index: int) -> Callable[[dict, str], dict]:
    def build(data: dict, text: str) -> dict:
        data[section].append(dict(data[section][index]))
        return data

    return build


def only(section: str, *records) -> Callable[[dict, str], dict]:
    return lambda data, text: {"format": "conflict-archive", "version": 2, section: list(records)}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


ARTICLE = "https://www.techballad.com/israel-gaza-war-james-cleverly-and-antony-blinken-discuss-humanitarian-access-to-gaza/"  # noqa: E501
PARTICIPANT = {"actor": "antony-blinken", "role": "initiator"}

# fmt: off
CASES = [
    # The file as a whole.
    Case("not UTF-8", raw('"Antony Blinken"', b'"Antony \xff Blinken"'), ("record 1 of “actors”", "not UTF-8")),  # noqa: E501
    Case("UTF-16", lambda data, text: text.encode("utf-16"), ("not valid JSON at the start",)),
    Case("not JSON", whole(b"{not json"), ("not valid JSON",)),
    Case("empty file", whole(b""), ("not valid JSON", "ends too early")),
    Case("cut short", lambda data, text: text.encode()[: len(text) // 2], ("not valid JSON in record",)),  # noqa: E501
    Case("trailing garbage", lambda data, text: text.encode() + b"x", ("after the archive's closing brace",)),  # noqa: E501
    Case("top level a list", whole([]), ("not a conflict archive: expected a JSON object",)),
    Case("top level a string", whole("archive"), ("expected a JSON object",)),
    Case("no format", envelope(format=...), ('not a conflict archive: expected "format"',)),
    Case("other format", envelope(format="other"), ("not a conflict archive",)),
    Case("format null", envelope(format=None), ("not a conflict archive",)),
    Case("version 3", envelope(version=3), ("archive version 3 is not supported",)),
    Case("version as a string", envelope(version="1"), ("archive version '1' is not supported",)),
    Case("version true", envelope(version=True), ("version True is not supported",)),
    Case("no version", envelope(version=...), ('no "version"',)),
    Case("unknown section", envelope(people=[]), ("unknown section “people”",)),
    Case("section an object", envelope(actors={}), ("“actors” must be a list of records, not an object",)),  # noqa: E501
    Case("section null", envelope(places=None), ("“places” must be a list of records, not null",)),
    Case("section twice", raw('"outlets": [', '"outlets": [], "outlets": ['), ("“outlets” is given twice",)),  # noqa: E501
    Case("record deeply nested", raw('"actors": [', '"actors": [' + nested(DEEP) + ","), ("record 1 (actor): nested more than 8 levels",)),  # noqa: E501
    Case("field deeply nested", raw('"name": "Antony Blinken"', '"name": ' + nested(DEEP)), ("record 1 (actor antony-blinken): field 'name': nested more than",)),  # noqa: E501
    Case("record a number", lambda data, text: {**data, "actors": [5]}, ("record 1 (actor): expected an object, not a number",)),  # noqa: E501
    Case("record null", lambda data, text: {**data, "outlets": [None]}, ("record 1 (outlet): expected an object, not null",)),  # noqa: E501
    Case("field twice", raw('"slug": "antony-blinken", ', '"slug": "antony-blinken", "slug": "x", '), ("record 1 (actor): field 'slug': given twice",)),  # noqa: E501
    Case("unknown field", change("outlets", 0, colour="red"), ("record 1 (outlet techballad): field 'colour': not a field of outlets",)),  # noqa: E501
    # Outlets.
    Case("outlet name a number", change("outlets", 0, name=42), ("record 1 (outlet techballad): field 'name': expected a string, not a number",)),  # noqa: E501
    Case("outlet slug a number", change("outlets", 0, slug=7), ("record 1 (outlet 7): field 'slug': expected a string",)),  # noqa: E501
    Case("outlet url a list", change("outlets", 0, url=["https://x.org/"]), ("field 'url': expected a string, not a list",)),  # noqa: E501
    Case("outlet name with NUL", change("outlets", 0, name="Tech\x00Ballad"), ("record 1 (outlet techballad): field 'name': contains a NUL",)),  # noqa: E501
    Case("outlet twice", append_copy("outlets", 0), ("record 2 (outlet techballad): field 'slug': the same slug as record 1",)),  # noqa: E501
    # Places.
    Case("latitude a number", change("places", 0, latitude=31.4), ("record 1 (place gaza-strip): field 'latitude': expected a decimal number as a string",)),  # noqa: E501
    Case("latitude not a number", change("places", 0, latitude="north"), ("record 1 (place gaza-strip): field 'latitude'",)),  # noqa: E501
    Case("place kind null", change("places", 1, kind=None), ("record 2 (place israel): field 'kind': expected a string, not null",)),  # noqa: E501
    Case("place parent a number", change("places", 0, parent=5), ("record 1 (place gaza-strip): field 'parent': expected the place's key (a string), not a number",)),  # noqa: E501
    Case("place parent missing", change("places", 0, parent="atlantis"), ("record 1 (place gaza-strip): field 'parent': no place “atlantis” in the archive or the database",)),  # noqa: E501
    Case("place its own parent", change("places", 1, parent="israel"), ("record 2 (place israel): field 'parent': the chain of parents loops: israel → israel",)),  # noqa: E501
    Case("places in a loop", change("places", 4, parent="northern-gaza"), ("record 1 (place gaza-strip): field 'parent': the chain of parents loops: gaza-strip → palestine → northern-gaza → gaza-strip",)),  # noqa: E501
    Case("loop through the database", only("places", {"slug": "palestine", "name": "Palestine", "kind": "region", "parent": "northern-gaza"}), ("record 1 (place palestine): field 'parent': the chain of parents loops: palestine → northern-gaza → gaza-strip → palestine",)),  # noqa: E501
    # Actors.
    Case("actor name a number", change("actors", 0, name=1), ("record 1 (actor antony-blinken): field 'name': expected a string, not a number",)),  # noqa: E501
    Case("actor description true", change("actors", 0, description=True), ("field 'description': expected a string, not true/false",)),  # noqa: E501
    Case("aliases not a list", change("actors", 0, aliases="Tony"), ("record 1 (actor antony-blinken): field 'aliases': expected a list, not a string",)),  # noqa: E501
    Case("alias a number", change("actors", 0, aliases=["Tony", 3]), ("field 'aliases': item 2: expected a string, not a number",)),  # noqa: E501
    Case("alias with NUL", change("actors", 0, aliases=["To\x00ny"]), ("field 'aliases': item 1: contains a NUL",)),  # noqa: E501
    Case("too many aliases", change("actors", 0, aliases=[f"a{i}" for i in range(10_001)]), ("record 1 (actor antony-blinken): field 'aliases': a list of more than 10000 items",)),  # noqa: E501
    Case("alias twice", change("actors", 0, aliases=["Tony", "Tony"]), ("field 'aliases': item 2 repeats “Tony”",)),  # noqa: E501
    Case("actor parent a list", change("actors", 5, parent=["israel"]), ("record 6 (actor israel-air-force): field 'parent': expected the actor's key",)),  # noqa: E501
    Case("actors in a loop", change("actors", 4, parent="israel-air-force"), ("record 5 (actor israel): field 'parent': the chain of parents loops: israel → israel-air-force → israel-defense-forces → israel",)),  # noqa: E501
    Case("actor twice", append_copy("actors", 3), ("record 17 (actor hamas): field 'slug': the same slug as record 4",)),  # noqa: E501
    Case("actor kind invalid", change("actors", 0, kind="wizard"), ("record 1 (actor antony-blinken): field 'kind': Value 'wizard' is not a valid choice.",)),  # noqa: E501
    # Roles.
    Case("role date a number", change("roles", 0, start_date=20210126), ("record 1 (role antony-blinken: Secretary of State from 20210126): field 'start_date': expected an ISO 8601 date as a string",)),  # noqa: E501
    Case("role end date an object", change("roles", 0, end_date={}), ("record 1 (role ", "field 'end_date': expected an ISO 8601 date as a string", "not an object")),  # noqa: E501
    Case("role date impossible", change("roles", 0, start_date="2021-02-30"), ("record 1 (role ", "field 'start_date'")),  # noqa: E501
    Case("role person null", change("roles", 0, person=None), ("record 1 (role None: Secretary of State from 2021-01-26): field 'person': This field cannot be blank.",)),  # noqa: E501
    Case("role title a number", change("roles", 0, title=12), ("record 1 (role ", "field 'title': expected a string, not a number")),  # noqa: E501
    Case("role twice", append_copy("roles", 0), ("record 8 (role antony-blinken: Secretary of State from 2021-01-26): field 'start_date': the same person + title + start_date as record 1",)),  # noqa: E501
    # Articles.
    Case("published_on a number", change("articles", 0, published_on=20231030), ("record 1 (article ", "field 'published_on': expected an ISO 8601 date as a string", "not a number")),  # noqa: E501
    Case("retrieved_at a number", change("articles", 0, retrieved_at=1698624000), ("field 'retrieved_at': expected an ISO 8601 time as a string",)),  # noqa: E501
    Case("article status a number", change("articles", 0, status=1), ("record 1 (article ", "field 'status': expected a string, not a number")),  # noqa: E501
    Case("article body with NUL", change("articles", 0, body="Text\x00"), ("field 'body': contains a NUL character",)),  # noqa: E501
    Case("article outlet nowhere", change("articles", 0, outlet="nowhere"), ("record 1 (article ", "field 'outlet': no outlet “nowhere” in the archive or the database")),  # noqa: E501
    Case("mentioned actors a string", change("articles", 0, mentioned_actors="hamas"), ("field 'mentioned_actors': expected a list, not a string",)),  # noqa: E501
    Case("mentioned actor null", change("articles", 0, mentioned_actors=[None]), ("field 'mentioned_actors': item 1: expected the actor's key (a string), not null",)),  # noqa: E501
    Case("mentioned actor twice", change("articles", 0, mentioned_actors=["hamas", "hamas"]), ("field 'mentioned_actors': item 2 repeats “hamas”",)),  # noqa: E501
    Case("article twice", append_copy("articles", 0), ("record 2 (article ", "field 'url': the same url as record 1")),  # noqa: E501
    # Events.
    Case("participant actor null", change("events", 0, participants=[{"actor": None, "role": "target"}]), ("record 1 (event biden-visit-to-israel-2023-10-18): field 'participants': item 1: 'actor': expected the actor's key (a string), not null",)),  # noqa: E501
    Case("participant a string", change("events", 0, participants=["joe-biden"]), ('field \'participants\': item 1: expected {"actor": …, "role": …}',)),  # noqa: E501
    Case("participant role a number", change("events", 0, participants=[{**PARTICIPANT, "role": 2}]), ("field 'participants': item 1: 'role': expected a string, not a number",)),  # noqa: E501
    Case("participant twice", change("events", 0, participants=[PARTICIPANT, PARTICIPANT]), ("field 'participants': item 2 repeats “antony-blinken”",)),  # noqa: E501
    Case("participant nowhere", change("events", 0, participants=[{**PARTICIPANT, "actor": "ghost"}]), ("field 'participants': no actor “ghost”",)),  # noqa: E501
    Case("fatalities a string", change("events", 0, fatalities="12"), ("record 1 (event ", "field 'fatalities': expected a whole number, not a string")),  # noqa: E501
    Case("fatalities a fraction", change("events", 0, fatalities=1.5), ("field 'fatalities': expected a whole number, not a number",)),  # noqa: E501
    Case("fatalities true", change("events", 0, fatalities=True), ("field 'fatalities': expected a whole number, not true/false",)),  # noqa: E501
    Case("fatalities negative", change("events", 0, fatalities=-3), ("record 1 (event ", "field 'fatalities'")),  # noqa: E501
    Case("fatalities huge", change("events", 0, fatalities=10**30), ("record 1 (event ", "field 'fatalities'")),  # noqa: E501
    Case("event date a number", change("events", 0, start_date=2023), ("field 'start_date': expected an ISO 8601 date as a string", "not a number")),  # noqa: E501
    Case("event place nowhere", change("events", 0, place="atlantis"), ("field 'place': no place “atlantis”",)),  # noqa: E501
    Case("event article nowhere", change("events", 0, articles=["https://nowhere.example/"]), ("field 'articles': no article “https://nowhere.example/”",)),  # noqa: E501
    Case("event twice", append_copy("events", 2), ("record 8 (event cleverly-cohen-call-2023-10-28): field 'slug': the same slug as record 3",)),  # noqa: E501
    # Statements.
    Case("said_on a number", change("statements", 0, said_on=20231030), ("record 1 (statement d772a11d2d066ea311edf3be): field 'said_on': expected an ISO 8601 date as a string",)),  # noqa: E501
    Case("text a number", change("statements", 0, text=5, key=None), ("field 'text': expected a string, not a number",)),  # noqa: E501
    Case("text with NUL", change("statements", 0, text="In\x00addition", key=None), ("field 'text': contains a NUL character",)),  # noqa: E501
    Case("key a number", change("statements", 0, key=5), ("record 1 (statement 5): field 'key': expected the digest (a string)",)),  # noqa: E501
    Case("speaker null", change("statements", 0, speaker=None, key=None), ("field 'speaker': This field cannot be blank.",)),  # noqa: E501
    Case("speaker an object", change("statements", 0, speaker={"slug": "hamas"}), ("field 'speaker': expected the actor's key (a string), not an object",)),  # noqa: E501
    Case("statement event nowhere", change("statements", 0, events=[{"event": "nowhere", "stance": "claims", "figure_kind": "", "claimed_figure": None, "claimed_figure_max": None, "note": ""}]), ("field 'events': no event “nowhere”",)),  # noqa: E501
    Case("statement article nowhere", change("statements", 0, article="https://nowhere.example/", key=None), ("field 'article': no article “https://nowhere.example/”",)),  # noqa: E501
    Case("statement twice", append_copy("statements", 1), ("record 10 (statement a0feccc87d03e1a92fa1fb3d): field 'text': the same article + speaker + text as record 2",)),  # noqa: E501
    Case("statement kind null", change("statements", 0, kind=None), ("field 'kind': expected a string, not null",)),  # noqa: E501
    Case("statement mentions twice", change("statements", 0, mentioned_actors=["hamas", "hamas"]), ("field 'mentioned_actors': item 2 repeats",)),  # noqa: E501
]
# fmt: on


def payload(case: Case) -> tuple[bytes, str]:
    text = export_text()
    built = case.build(json.loads(text), text)
    return (built if isinstance(built, bytes) else json.dumps(built).encode()), text


@pytest.mark.parametrize("case", CASES, ids=str)
def test_malformed_archive_is_refused_and_nothing_written(demo, case):
    file, before = payload(case)
    history = history_rows()
    with pytest.raises(ArchiveError) as error:
        archive_import(stream=io.BytesIO(file))
    message = str(error.value)
    position = 0
    for part in case.expected:
        assert part in message[position:], message
        position = message.index(part, position) + len(part)
    assert "Traceback" not in message
    assert export_text() == before
    assert history_rows() == history


def test_cases_cover_each_section():
    named = " ".join(part for case in CASES for part in case.expected)
    for noun in ("outlet", "place", "actor", "role", "article", "event", "statement"):
        assert f"({noun} " in named
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    "name", ["not UTF-8", "record deeply nested", "participant actor null", "places in a loop"]
)
def test_the_command_refuses_without_a_traceback(demo, tmp_path, name):
    case = next(case for case in CASES if case.name == name)
    file, before = payload(case)
    path = tmp_path / "archive.json"
    path.write_bytes(file)
    with pytest.raises(CommandError, match="was not imported, nothing was written: "):
        call_command("import_archive", str(path), stdout=io.StringIO())
    assert export_text() == before


def test_a_valid_file_with_a_byte_order_mark_imports(demo):
    text = export_text()
    counts = archive_import(stream=io.BytesIO(b"\xef\xbb\xbf" + text.encode()))
    assert counts["places"]["unchanged"] == Place.objects.count()
    assert export_text() == text


class OneWay(io.RawIOBase):
    """A stream that cannot go back, as a pipe: the import copies it to read it twice."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self.data.readinto(buffer)


def test_a_stream_that_cannot_seek_imports(demo):
    text = export_text()
    counts = archive_import(stream=OneWay(text.encode()))
    assert counts["statements"]["unchanged"] == Statement.objects.count()
    assert export_text() == text
