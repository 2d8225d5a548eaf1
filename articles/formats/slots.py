"""At most `EXPORT_CONCURRENCY` live exports at once, across every worker and machine.

A live export holds a database connection and a worker (a thread with gthread) for as
long as it streams; without a limit a few large downloads would take every worker and
readers would wait. The slots are keys in the shared cache (Redis in production, so
every process counts the same slots): `take()` claims a free one atomically
(`cache.add`, SET NX on Redis) or answers None when all are held. A slot expires
`SLOT_SECONDS` after it was last renewed, so a worker killed mid-export frees its slot
within that time; a running export renews it as it streams (`Slot.renew`) and releases
it when the server closes the response.
"""

import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

SLOT_SECONDS = 60
RENEW_EVERY = SLOT_SECONDS / 3


@dataclass
class Slot:
    key: str
    token: str
    renewed_at: float = field(default_factory=time.monotonic)

    def renew(self) -> None:
        """Keep the slot while streaming: extend its expiry every `RENEW_EVERY` seconds."""
        now = time.monotonic()
        if now - self.renewed_at >= RENEW_EVERY:
            cache.touch(self.key, SLOT_SECONDS)
            self.renewed_at = now

    def release(self) -> None:
        """Free the slot, unless it expired and another export holds it now."""
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


def take() -> Slot | None:
    """A free export slot, or None when `EXPORT_CONCURRENCY` exports are running."""
    token = secrets.token_hex(8)
    for number in range(settings.EXPORT_CONCURRENCY):
        key = f"archive:export-slot:{number}"
        if cache.add(key, token, SLOT_SECONDS):
            return Slot(key, token)
    return None
