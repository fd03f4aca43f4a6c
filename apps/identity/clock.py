"""The identity domain's clock. Services call `clock.now()` (through the module, never a copied name),
so tests can move time forward — a 15-minute lockout, a 10-minute code — without sleeping."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
