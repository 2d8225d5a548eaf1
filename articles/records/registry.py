"""Every record type of the archive, by key and by model, in display order."""

from django.db.models import Model

from . import actors, articles, events, outlets, places, statements
from .base import RecordType

RECORD_TYPES: dict[str, RecordType] = {
    record.key: record
    for record in (
        statements.RECORD,
        actors.RECORD,
        articles.RECORD,
        events.RECORD,
        outlets.RECORD,
        places.RECORD,
    )
}
_BY_MODEL = {record.model: record for record in RECORD_TYPES.values()}


def record_type(key: str) -> RecordType:
    return RECORD_TYPES[key]


def record_type_of(obj: Model) -> RecordType:
    """The declaration of a record's type; TypeError for a model that has none."""
    try:
        return _BY_MODEL[type(obj)]
    except KeyError:
        raise TypeError(f"{type(obj).__name__} is not an archive record type") from None
