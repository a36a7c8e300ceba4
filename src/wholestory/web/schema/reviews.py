"""The learning review tables (issue 17): reviews as cases with clocks, their drafted and
edited narratives, recommendations and their actions, evidence and assurance, the board's
packs and the yearly report (``wholestory.reviews``).

Kept apart from ``models.py``, which imports them so that Django registers them with the
``store`` app. A review names a child (its reason to exist); recommendations, actions,
packs and reports name none, so that the tracker and the board read them safely.
"""

from __future__ import annotations

from django.db import models


class ReviewCase(models.Model):
    """A serious incident and the reviews that follow it, with the dates its clocks count
    from (``wholestory.reviews.timescales.due_dates``)."""

    title = models.TextField(help_text="How the partnership refers to it, naming no child.")
    ws_person = models.CharField(max_length=200, db_column="ws_person_id")
    agency = models.CharField(max_length=32, help_text="The agency whose id named the child.")
    person_id = models.TextField(help_text="That agency's id for the child.")
    household = models.TextField(db_default="", help_text="The household's key, if linked.")
    learned_on = models.DateField(help_text="The local authority learned of the incident.")
    notified_on = models.DateField(null=True, help_text="The Panel was notified.")
    rapid_review_on = models.DateField(null=True, help_text="The rapid review was done.")
    decided_on = models.DateField(null=True, help_text="The decision to hold a local review.")
    published_on = models.DateField(null=True)
    status = models.CharField(max_length=16, help_text="open or closed.")
    created_by = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ws_review_case"
        indexes = [models.Index(fields=["ws_person"], name="ws_review_case_person_ix")]


class ReviewDecision(models.Model):
    """A decision the review took (to notify, to hold a local review or not, ...): what, why,
    by whom and when, kept in order."""

    review = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, db_column="review_id")
    decided_on = models.DateField()
    decision = models.CharField(max_length=32, help_text="A decision's key.")
    reason = models.TextField()
    decided_by = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_review_decision"


class ReviewNarrative(models.Model):
    """One version of a review's analytical narrative: version 1 is drafted by the rules;
    each edit by the reviewer is a new version, so nothing is overwritten."""

    review = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, db_column="review_id")
    version = models.IntegerField()
    text = models.TextField(help_text="The narrative as Markdown.")
    sentences = models.TextField(
        help_text="JSON: the drafted sentences and the entries each rests on."
    )
    drafted = models.BooleanField(help_text="Drafted by the rules, not edited by a person.")
    saved_by = models.TextField()
    saved_at = models.DateTimeField()

    class Meta:
        db_table = "ws_review_narrative"
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="ws_review_narrative_v")
        ]


class Recommendation(models.Model):
    """A recommendation the partnership accepted, from a review (its own or the national
    panel's), an audit, a Marac or an inspection, with the measures that should move."""

    source = models.CharField(max_length=16, help_text="review, national, audit, marac, ...")
    source_ref = models.TextField(help_text="Which one, in words naming no child.")
    review = models.ForeignKey(
        ReviewCase, null=True, on_delete=models.SET_NULL, db_column="review_id"
    )
    text = models.TextField()
    measures = models.TextField(db_default="[]", help_text="JSON list of measures' keys.")
    accepted_on = models.DateField()
    created_by = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ws_recommendation"


class RecommendationAction(models.Model):
    """A SMART action answering a recommendation: whose (agency and person), by when, and
    how it stands. Overdue is worked out from the due date, never stored."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, db_column="recommendation_id"
    )
    text = models.TextField()
    owner_agency = models.CharField(max_length=32)
    owner = models.TextField(help_text="The action owner's username.")
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, help_text="not_started, on_track, at_risk or complete."
    )
    completed_on = models.DateField(null=True)
    created_by = models.TextField()
    created_at = models.DateTimeField()
    updated_by = models.TextField(db_default="")
    updated_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_recommendation_action"
        indexes = [models.Index(fields=["owner"], name="ws_rec_action_owner_ix")]


class ActionUpdate(models.Model):
    """One update to an action by its owner or the business unit: the status it was given
    and why. The action's history, in order."""

    action = models.ForeignKey(
        RecommendationAction, on_delete=models.CASCADE, db_column="action_id"
    )
    status = models.CharField(max_length=16)
    note = models.TextField()
    updated_by = models.TextField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "ws_action_update"


class ActionEvidence(models.Model):
    """A file of evidence that an action was done, kept in the store, with how it was
    checked (a virus scanner's verdict, or the file-type and size checks)."""

    action = models.ForeignKey(
        RecommendationAction, on_delete=models.CASCADE, db_column="action_id"
    )
    filename = models.TextField()
    content_type = models.CharField(max_length=100)
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    checked = models.TextField(help_text="How it was checked, in words.")
    uploaded_by = models.TextField()
    uploaded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_action_evidence"


class ActionAssurance(models.Model):
    """A lead of another agency's assurance decision on a completed action: "complete" is
    what the owner says; "assured" is what someone else has checked."""

    action = models.ForeignKey(
        RecommendationAction, on_delete=models.CASCADE, db_column="action_id"
    )
    decision = models.CharField(max_length=16, help_text="assured or not_assured.")
    reason = models.TextField()
    decided_by = models.TextField()
    decided_agency = models.CharField(max_length=32)
    decided_at = models.DateTimeField()

    class Meta:
        db_table = "ws_action_assurance"


class BoardPack(models.Model):
    """A Quality and Impact Executive board pack for one quarter, as built: its figures
    (suppressed, naming no child) as JSON, from which the page and the PDF are drawn."""

    quarter = models.CharField(max_length=6, help_text="e.g. 2026Q3")
    contents = models.TextField(help_text="JSON: every section's figures and charts.")
    built_by = models.TextField()
    built_at = models.DateTimeField()

    class Meta:
        db_table = "ws_board_pack"
        indexes = [models.Index(fields=["quarter", "built_at"], name="ws_board_pack_ix")]


class YearlyReport(models.Model):
    """One version of the safeguarding partners' yearly report, as Markdown with its
    figures inserted: version 1 is drafted; each edit is a new version."""

    year = models.CharField(max_length=7, help_text="The reporting year, e.g. 2025-26.")
    version = models.IntegerField()
    text = models.TextField()
    drafted = models.BooleanField()
    saved_by = models.TextField()
    saved_at = models.DateTimeField()

    class Meta:
        db_table = "ws_yearly_report"
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="ws_yearly_report_v")
        ]
