"""The THRIVE tables (issue 16): each child's groupings and Current Views, as agencies sent
them (the template's ``thrive`` and ``current_view`` tables) or as practitioners recorded
them here (``wholestory.thrive.records``).

Kept apart from ``models.py``, which imports them so that Django registers them with
the ``store`` app. Both are replaceable as ``ws_need`` is: one agency's record (agency,
record_id) sent again with other words replaces the one before.
"""

from __future__ import annotations

from django.db import models

from wholestory.web.schema.bases import ReplaceableRecord


class ThriveGrouping(ReplaceableRecord):
    """One agency's record of one THRIVE grouping of one child."""

    agency = models.CharField(max_length=32)
    record_id = models.TextField(help_text="The agency's id; APP-... when recorded here.")
    person_id = models.TextField(help_text="The agency's id for the child; WS-... from the app.")
    grouping = models.CharField(max_length=16, help_text="thriving, advice, help, ...")
    recorded_on = models.CharField(max_length=10, help_text="YYYY-MM-DD")
    practitioner = models.TextField(help_text="Who recorded it, as the agency names them.")
    reason = models.TextField()
    childs_view = models.TextField(help_text="The child's and family's view.")
    agreement = models.CharField(max_length=16, help_text="agreed, partly, disagreed, ...")
    goals = models.TextField(help_text="The goals agreed (required for help).")
    success_by = models.CharField(max_length=10, null=True, help_text="YYYY-MM-DD")
    review_on = models.CharField(max_length=10, help_text="YYYY-MM-DD")
    suggested = models.CharField(
        max_length=16, help_text="The grouping WholeStory suggested then; empty when none."
    )
    recorded_in_app = models.BooleanField(default=False)
    recorded_by = models.TextField(help_text="The user who recorded it here; empty from a file.")

    class Meta:
        db_table = "ws_thrive_grouping"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_id"], name="ws_thrive_grouping_record"
            )
        ]
        # A grouping recorded here names the child by their WholeStory id, so the child's
        # page and timeline find them by person_id alone.
        indexes = [
            models.Index(fields=["agency", "person_id"], name="ws_thrive_grouping_person"),
            models.Index(fields=["person_id"], name="ws_thrive_grouping_ws_ix"),
        ]


class ThriveCurrentView(ReplaceableRecord):
    """One agency's record of one Current View of one child, every item answered."""

    agency = models.CharField(max_length=32)
    record_id = models.TextField(help_text="The agency's id; APP-... when recorded here.")
    person_id = models.TextField(help_text="The agency's id for the child; WS-... from the app.")
    recorded_on = models.CharField(max_length=10, help_text="YYYY-MM-DD")
    practitioner = models.TextField(help_text="Who recorded it, as the agency names them.")
    answers = models.TextField(help_text="JSON: each part's items and their answers' codes.")
    confirmed = models.TextField(help_text="JSON list: the factors proposed and confirmed.")
    recorded_in_app = models.BooleanField(default=False)
    recorded_by = models.TextField(help_text="The user who recorded it here; empty from a file.")

    class Meta:
        db_table = "ws_thrive_current_view"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_id"], name="ws_thrive_current_view_record"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "person_id"], name="ws_thrive_view_person"),
            models.Index(fields=["person_id"], name="ws_thrive_view_ws_ix"),
        ]


class ThrivePdsaCycle(models.Model):
    """One Plan-Do-Study-Act cycle of the partnership's i-THRIVE work: what it aims at, the
    change tested, the measures that should move (charted before and after the change), what
    was predicted, what was studied and what was decided (``wholestory.thrive.improvement``)."""

    title = models.TextField()
    aim = models.TextField()
    change_idea = models.TextField()
    measures = models.TextField(help_text="JSON list: product measures' keys or named queries.")
    prediction = models.TextField()
    changed_on = models.DateField(help_text="The day the change was made: the chart's break.")
    study = models.TextField(db_default="", help_text="What the cycle found (the Study).")
    decision = models.CharField(
        max_length=16, db_default="", help_text="adopt, adapt or abandon; empty while open."
    )
    decided_on = models.DateField(null=True)
    created_by = models.TextField()
    created_at = models.DateTimeField()
    updated_by = models.TextField(db_default="")
    updated_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_thrive_pdsa"


class ThriveImplementationScore(models.Model):
    """One principle's score (1 to 4; 3 or more is "THRIVE-like") in one implementation
    assessment, dated, so that a principle's scores can be read over time."""

    assessed_on = models.DateField()
    principle = models.CharField(max_length=32, help_text="A principle's key.")
    score = models.SmallIntegerField()
    notes = models.TextField(db_default="")
    assessed_by = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_thrive_implementation"
        constraints = [
            models.UniqueConstraint(
                fields=["assessed_on", "principle"], name="ws_thrive_implementation_day"
            )
        ]
