"""Ready-to-copy citations of archive records: plain text, BibTeX and CSL-JSON.

What a citation says comes from the record type's `citation` declaration
(`articles/records/`); this module only writes it in each format. A citation points at
the archive's record (its stable URL, settings.SITE_URL + path) and carries the date of
the record's last change, so a reader can tell which version was cited. Builders only
read attributes the detail pages already loaded; they never query.
"""

import datetime
import json
import re

from django.conf import settings

from ..dates import format_date
from ..links import absolute
from ..records.base import Citation
from ..records.registry import record_type_of


def citation_for(record) -> Citation:
    """The citation data of one detail page's record, from its type's declaration."""
    citation = record_type_of(record).citation
    if citation is None:
        raise TypeError(f"No citation for {type(record).__name__}")
    return citation(record)


def plain_text(citation: Citation) -> str:
    """ "Speaker. “Title.” Site name, original date. Last modified 5 May 2024. URL"."""
    parts = []
    if citation.authors:
        parts.append("; ".join(citation.authors) + ".")
    # A title that already quotes the statement is not wrapped in quotation marks again.
    parts.append(f"{citation.title}." if "“" in citation.title else f"“{citation.title}.”")
    site = settings.SITE_NAME
    if citation.original_date:
        site += f", {format_date(citation.original_date, citation.original_precision)}"
    parts.append(site + ".")
    if citation.note:
        parts.append(citation.note.rstrip(".") + ".")
    parts.append(f"Last modified {format_date(citation.modified)}.")
    parts.append(absolute(citation.path))
    return " ".join(parts)


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(
        lambda match: _BIBTEX_REPLACEMENTS.get(match.group(1), "\\" + match.group(1)), value
    )


def bibtex(citation: Citation) -> str:
    date = citation.original_date or citation.modified
    precision = citation.original_precision if citation.original_date else "day"
    fields = [("title", _bibtex_escape(citation.title))]
    if citation.authors:
        # Double braces: an organisation or a name is kept as written, not split.
        fields.append(
            ("author", " and ".join("{" + _bibtex_escape(a) + "}" for a in citation.authors))
        )
    fields.append(("year", str(date.year)))
    if precision in ("day", "month"):
        fields.append(("month", str(date.month)))
    if precision == "day":
        fields.append(("day", str(date.day)))
    fields += [
        ("howpublished", _bibtex_escape(settings.SITE_NAME)),
        ("url", absolute(citation.path)),
        ("note", _bibtex_escape(f"Last modified {citation.modified.isoformat()}. {citation.note}")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}\n}}"


def _date_parts(date: datetime.date, precision: str = "day") -> dict:
    parts = [date.year, date.month, date.day]
    return {"date-parts": [parts[: {"year": 1, "month": 2}.get(precision, 3)]]}


def csl_json(citation: Citation) -> str:
    item = {
        "id": citation.key,
        "type": citation.csl_type,
        "title": citation.title,
        "container-title": settings.SITE_NAME,
        "URL": absolute(citation.path),
        # The version cited: the record as of its last change.
        "issued": _date_parts(citation.modified),
    }
    if citation.authors:
        item["author"] = [{"literal": author} for author in citation.authors]
    if citation.original_date:
        item["original-date"] = _date_parts(citation.original_date, citation.original_precision)
    if citation.note:
        item["note"] = citation.note
    return json.dumps([item], ensure_ascii=False, indent=2)


def citations(record) -> dict[str, str]:
    """The three formats of one record, for the "Cite this" block."""
    citation = citation_for(record)
    return {
        "plain": plain_text(citation),
        "bibtex": bibtex(citation),
        "csl_json": csl_json(citation),
        "url": absolute(citation.path),
        "modified": citation.modified,
    }
