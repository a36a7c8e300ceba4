"""The quality assurance tables (issue 15): audit programmes and the cases each one chose
(``wholestory.assurance``).

Kept apart from ``models.py``, which imports them so that Django registers them with the
``store`` app. Named ``ws_assurance_...`` so that nobody takes them for the access audit
log (``ws_audit``).
"""

from __future__ import annotations

from django.db import models


class AuditProgramme(models.Model):
    """A themed multi-agency case file audit: what it looks at, with which tool, and how
    its cases were chosen, kept so that the choice can be repeated and checked."""

    theme = models.TextField(help_text="What the audit looks at, e.g. 'use of history'.")
    period_from = models.DateField()
    period_to = models.DateField()
    tool_name = models.TextField()
    tool_yaml = models.TextField(help_text="The audit tool's YAML as it was when set up.")
    criteria = models.TextField(help_text="The selection criteria and method, as JSON.")
    seed = models.BigIntegerField()
    sample = models.IntegerField(help_text="How many cases were drawn.")
    eligible = models.IntegerField(help_text="How many children met the criteria.")
    eligible_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the eligible ids, sorted: who they were."
    )
    as_of = models.DateField(help_text="The day the store's records ran to when chosen.")
    created_by = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_programme"


class AuditCase(models.Model):
    """One child chosen for a programme, in the order the sample drew them."""

    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.CASCADE, db_column="programme_id"
    )
    ws_person = models.CharField(max_length=200, db_column="ws_person_id")
    position = models.IntegerField(help_text="1 for the first drawn.")

    class Meta:
        db_table = "ws_assurance_case"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="ws_assurance_case_position"
            ),
            models.UniqueConstraint(
                fields=["programme", "ws_person"], name="ws_assurance_case_person"
            ),
        ]
        indexes = [models.Index(fields=["ws_person"], name="ws_assurance_case_person_ix")]
