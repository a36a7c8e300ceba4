"""The engagement tables (issue 14): each person's communication, information and
engagement needs, as agencies sent or recorded them, and the lead professionals set in
the app (``wholestory.engagement``).

Kept apart from ``models.py``, which imports them so that Django registers them with
the ``store`` app.
"""

from __future__ import annotations

from django.db import models

from wholestory.web.schema.bases import ReplaceableRecord


class NeedRecord(ReplaceableRecord):
    """One agency's record of one need of one person (the template's ``needs`` table)."""

    agency = models.CharField(max_length=32)
    record_id = models.TextField(help_text="The agency's id; APP-... when recorded here.")
    person_id = models.TextField(help_text="The agency's own id for the person.")
    need = models.CharField(max_length=32, help_text="INTERPRETER, BSL, EASY_READ, ...")
    detail = models.TextField(help_text="The language, how to make contact, what to avoid...")
    recorded_on = models.CharField(max_length=10, help_text="YYYY-MM-DD")
    review_on = models.CharField(max_length=10, null=True, help_text="YYYY-MM-DD")
    practitioner = models.TextField(help_text="Who recorded it, as the agency names them.")
    recorded_in_app = models.BooleanField(default=False)
    recorded_by = models.TextField(help_text="The user who recorded it here; empty from a file.")

    class Meta:
        db_table = "ws_need"
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="ws_need_record")
        ]
        indexes = [models.Index(fields=["agency", "person_id"], name="ws_need_person")]


class LeadProfessional(models.Model):
    """A lead professional set in the app by a safeguarding lead (``engagement.leads``).

    It overrides the allocations the records give while it is open. Setting another, or
    ending it, keeps the row with who ended it and when: the history stays.
    """

    ws_person = models.CharField(
        max_length=200, db_column="ws_person_id", help_text="WS-... (or AGENCY:ID unlinked)."
    )
    agency = models.CharField(max_length=32, help_text="The lead professional's agency.")
    practitioner = models.TextField(help_text="Their name, as their agency's records give it.")
    team = models.TextField(default="", db_default="")
    set_by = models.TextField(help_text="The safeguarding lead who set it.")
    set_at = models.DateTimeField()
    ended_by = models.TextField(default="", db_default="")
    ended_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_lead_professional"
        constraints = [
            models.UniqueConstraint(
                fields=["ws_person"],
                condition=models.Q(ended_at__isnull=True),
                name="ws_lead_professional_open",
            )
        ]
        indexes = [models.Index(fields=["ws_person"], name="ws_lead_professional_person")]
