"""Ready-to-copy citations of archive records: plain text, BibTeX, CSL-JSON and RIS, and
the Highwire Press `citation_*` meta tags that reference managers (Zotero) read.

What a citation says comes from the record type's `citation` declaration
(`articles/records/`); this module only writes it in each format, and every format
writes the same facts, so they agree:

- the authors (the speaker, the byline), kept whole: a name is never split;
- the title, never cut inside a word (the declarations shorten with `records.base.shorten`);
- `issued`: when the thing was said, published or happened, at its precision; a record
  with no such date (an actor) is dated by its last change;
- the container: the outlet that published a statement or an article (the archive,
  which holds the copy, is named as such: CSL's `archive`, "Archived in …"), or the
  archive itself for its own records (events, actors, outlets, places);
- the URL of the record's page in the archive (SITE_URL + path, `links.absolute`);
- `accessed`: the day the citation is taken (today, in the site's time zone);
- a note: the source, the archive and the date of the record's last change, so a
  reader can tell which version was cited.

In plain text, a name or title written right to left is isolated (Unicode FSI … PDI)
so the punctuation and dates around it stay in place. Builders only read attributes
the detail pages already loaded; they never query.
"""

import datetime
import json
import re
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from ..dates import format_date
from ..links import absolute
from ..records.base import Citation
from ..records.registry import record_type_of

RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"

# The other formats' entry types, from the declaration's CSL type.
_BIBTEX_TYPES = {"article-newspaper": "article"}  # otherwise @misc
_RIS_TYPES = {
    "article-newspaper": "NEWS",
    "entry": "ELEC",  # a record of the archive: a web page
}  # otherwise GEN (a statement: a speech, an interview, a post, a document)


def citation_for(record) -> Citation:
    """The citation data of one detail page's record, from its type's declaration."""
    citation = record_type_of(record).citation
    if citation is None:
        raise TypeError(f"No citation for {type(record).__name__}")
    return citation(record)


# --- What every format says ---------------------------------------------------------


def accessed() -> datetime.date:
    """The access date of a citation taken now."""
    return timezone.localdate()


def _issued(citation: Citation) -> tuple[datetime.date | None, str]:
    if citation.issued:
        return citation.issued, citation.issued_precision
    return citation.modified, "day"


def _container(citation: Citation) -> str:
    return citation.container or settings.SITE_NAME


def _note(citation: Citation) -> str:
    """The same note in every format: the source, the archive, the version cited."""
    parts = []
    if citation.note:
        parts.append(citation.note.rstrip(".") + ".")
    if citation.container:
        parts.append(f"Archived in {settings.SITE_NAME}.")
    if citation.modified:
        parts.append(f"Last modified {format_date(citation.modified)}.")
    return " ".join(parts)


def _url(citation: Citation) -> str:
    return absolute(citation.path)


# --- Plain text ---------------------------------------------------------------------

_FSI, _PDI = "\u2068", "\u2069"


def _bidi(char: str) -> str:
    return unicodedata.bidirectional(char)


def isolate_rtl(text: str) -> str:
    """`text` with each right-to-left run (from its first to its last right-to-left
    letter, before any left-to-right letter) between FSI and PDI, so that the text
    around it keeps its order. Text without right-to-left letters is returned as is."""
    out, i = [], 0
    while i < len(text):
        if _bidi(text[i]) not in ("R", "AL"):
            out.append(text[i])
            i += 1
            continue
        last = j = i
        while j < len(text) and _bidi(text[j]) != "L":
            if _bidi(text[j]) in ("R", "AL"):
                last = j
            j += 1
        out.append(_FSI + text[i : last + 1] + _PDI)
        i = last + 1
    return "".join(out)


def plain_text(citation: Citation) -> str:
    """ "Speaker. “Title.” Outlet, 29 October 2023. Note. Accessed 5 May 2026. URL"."""
    parts = []
    if citation.authors:
        parts.append("; ".join(isolate_rtl(author) for author in citation.authors) + ".")
    title = isolate_rtl(citation.title)
    # A title that already quotes the statement is not wrapped in quotation marks again.
    parts.append(f"{title}." if "“" in citation.title else f"“{title}.”")
    date, precision = _issued(citation)
    container = isolate_rtl(_container(citation))
    parts.append(f"{container}, {format_date(date, precision)}." if date else f"{container}.")
    if note := _note(citation):
        parts.append(isolate_rtl(note))
    parts.append(f"Accessed {format_date(accessed())}.")
    parts.append(_url(citation))
    return " ".join(parts)


# --- BibTeX -------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(
        lambda match: _BIBTEX_REPLACEMENTS.get(match.group(1), "\\" + match.group(1)), value
    )


def bibtex(citation: Citation) -> str:
    entry_type = _BIBTEX_TYPES.get(citation.csl_type, "misc")
    fields = [("title", _bibtex_escape(citation.title))]
    if citation.authors:
        # Double braces: an organisation or a name is kept as written, not split.
        fields.append(
            ("author", " and ".join("{" + _bibtex_escape(a) + "}" for a in citation.authors))
        )
    container = _bibtex_escape(_container(citation))
    fields.append(("journal" if entry_type == "article" else "howpublished", container))
    date, precision = _issued(citation)
    if date:
        fields.append(("year", str(date.year)))
        if precision in ("day", "month"):
            fields.append(("month", str(date.month)))
        if precision == "day":
            fields.append(("day", str(date.day)))
    fields += [
        ("url", _url(citation)),
        ("urldate", accessed().isoformat()),
    ]
    if citation.language:
        fields.append(("language", _bibtex_escape(citation.language)))
    if note := _note(citation):
        fields.append(("note", _bibtex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{citation.key},\n{body}\n}}"


# --- CSL-JSON -----------------------------------------------------------------------


def _date_parts(date: datetime.date, precision: str = "day") -> dict:
    parts = [date.year, date.month, date.day]
    return {"date-parts": [parts[: {"year": 1, "month": 2}.get(precision, 3)]]}


def csl_json(citation: Citation) -> str:
    item = {
        "id": citation.key,
        "type": citation.csl_type,
        "title": citation.title,
        "container-title": _container(citation),
        "URL": _url(citation),
    }
    if citation.authors:
        item["author"] = [{"literal": author} for author in citation.authors]
    date, precision = _issued(citation)
    if date:
        item["issued"] = _date_parts(date, precision)
    item["accessed"] = _date_parts(accessed())
    if citation.container:
        item["archive"] = settings.SITE_NAME
    if citation.language:
        item["language"] = citation.language
    if note := _note(citation):
        item["note"] = note
    return json.dumps([item], ensure_ascii=False, indent=2)


# --- RIS ----------------------------------------------------------------------------


def _ris_date(date: datetime.date, precision: str = "day") -> str:
    """RIS's YYYY/MM/DD/other, with the parts not known left empty: "2023/10//"."""
    month = f"{date.month:02d}" if precision in ("day", "month") else ""
    day = f"{date.day:02d}" if precision == "day" else ""
    return f"{date.year:04d}/{month}/{day}/"


def _ris_value(value: str) -> str:
    return " ".join(value.split())  # one line per tag


def ris(citation: Citation) -> str:
    """The record as one RIS entry (the format Zotero, EndNote and Mendeley import)."""
    lines = [("TY", _RIS_TYPES.get(citation.csl_type, "GEN")), ("ID", citation.key)]
    lines.append(("TI", citation.title))
    lines += [("AU", author) for author in citation.authors]
    date, precision = _issued(citation)
    if date:
        lines += [("PY", str(date.year)), ("DA", _ris_date(date, precision))]
    lines.append(("T2", _container(citation)))
    if not citation.container:
        lines.append(("PB", settings.SITE_NAME))
    lines += [
        ("UR", _url(citation)),
        ("Y2", _ris_date(accessed())),
        ("DB", settings.SITE_NAME),
    ]
    if citation.language:
        lines.append(("LA", citation.language))
    if note := _note(citation):
        lines.append(("N1", note))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris_value(value)}".rstrip() + "\r\n" for tag, value in lines)


def ris_filename(citation: Citation) -> str:
    return f"{citation.key}.ris"


# --- Highwire Press meta tags (Zotero, Google Scholar) --------------------------------


def _highwire_date(date: datetime.date, precision: str = "day") -> str:
    """ "2023/10/29", "2023/10" or "2023"."""
    parts = [f"{date.year:04d}", f"{date.month:02d}", f"{date.day:02d}"]
    return "/".join(parts[: {"year": 1, "month": 2}.get(precision, 3)])


def highwire_tags(citation: Citation) -> list[tuple[str, str]]:
    """The `citation_*` meta tags of a record's page: what "save to Zotero" reads."""
    tags = [("citation_title", citation.title)]
    tags += [("citation_author", author) for author in citation.authors]
    date, precision = _issued(citation)
    if date:
        tags += [
            ("citation_publication_date", _highwire_date(date, precision)),
            ("citation_date", _highwire_date(date, precision)),
        ]
    if citation.container:
        tags.append(("citation_journal_title", citation.container))
    else:
        tags.append(("citation_publisher", settings.SITE_NAME))
    if citation.language:
        tags.append(("citation_language", citation.language))
    tags.append(("citation_public_url", _url(citation)))
    return tags


def citation_meta(record) -> SafeString:
    """`<meta name="citation_…">` tags for the record's page."""
    return format_html_join(
        "\n",
        '<meta name="{}" content="{}">',
        ((name, value) for name, value in highwire_tags(citation_for(record)) if value),
    )


def citations(record) -> dict:
    """The formats of one record, for the "Cite this" block."""
    citation = citation_for(record)
    return {
        "plain": plain_text(citation),
        "bibtex": bibtex(citation),
        "csl_json": csl_json(citation),
        "ris_path": f"{citation.path}?format=ris",
        "url": _url(citation),
        "modified": citation.modified,
    }
