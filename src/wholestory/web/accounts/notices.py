"""Keeping the core's notices for safeguarding leads (:mod:`wholestory.arrival`).

The core library decides what to tell whom; this keeps it with the break-glass notices,
so each agency's leads read everything on one Notifications page.
"""

from __future__ import annotations

from collections.abc import Sequence

from wholestory.arrival import Notice


def keep(notices: Sequence[Notice]) -> int:
    """Save the notices for their agencies' leads, all or none; returns how many."""
    from django.db import transaction

    from wholestory.web.accounts.models import Notification

    with transaction.atomic():
        Notification.objects.bulk_create(
            [Notification(agency=n.agency, person=n.person, message=n.message) for n in notices]
        )
    return len(notices)
