"""The editors' tools: the Django admin of every record type, with suggestions and merges.

Django's admin autodiscovery imports this package; the submodules register the models.
"""

from . import actors, articles  # noqa: F401
