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


class CaseAuditor(models.Model):
    """The auditor who answers for one agency's practice on one audited case.

    Their sight of the child's multi-agency chronology is an ``audit`` grant in
    ``ws_access_grant`` (kind ``audit``), time-limited and told to the agencies holding the
    child's records like any access from outside; this row says what the grant is for.
    """

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, db_column="case_id")
    agency = models.CharField(max_length=32)
    username = models.CharField(max_length=150)
    assigned_by = models.TextField()
    assigned_at = models.DateTimeField()
    grant_ends_at = models.DateTimeField(help_text="When the auditor's sight of the case ends.")
    submitted_at = models.DateTimeField(null=True, help_text="When the answers were submitted.")

    class Meta:
        db_table = "ws_assurance_auditor"
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="ws_assurance_auditor_agency")
        ]
        indexes = [models.Index(fields=["username"], name="ws_assurance_auditor_user_ix")]


class AuditAnswer(models.Model):
    """One auditor's answer to one question of the programme's tool (as text: a grade,
    yes / no / partly, a number or words), replaced when they answer again."""

    auditor = models.ForeignKey(CaseAuditor, on_delete=models.CASCADE, db_column="auditor_id")
    domain = models.CharField(max_length=64)
    question = models.CharField(max_length=64)
    answer = models.TextField()
    answered_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_answer"
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "domain", "question"], name="ws_assurance_answer_question"
            )
        ]


class Moderation(models.Model):
    """A moderator's word on one domain's grade for one agency on one case: the grade the
    auditor gave, the grade agreed (the same, or changed with a reason)."""

    auditor = models.ForeignKey(CaseAuditor, on_delete=models.CASCADE, db_column="auditor_id")
    domain = models.CharField(max_length=64)
    given = models.TextField(help_text="The auditor's grade when moderated.")
    agreed = models.TextField(help_text="The grade the moderator agreed.")
    reason = models.TextField(db_default="", help_text="Why, when the grade was changed.")
    moderator = models.TextField()
    moderated_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_moderation"
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "domain"], name="ws_assurance_moderation_domain"
            )
        ]


class LearningPoint(models.Model):
    """What an audit taught: a tag from the tool's list and the auditor's own words."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, db_column="case_id")
    agency = models.CharField(max_length=32, help_text="The agency it is about.")
    tag = models.CharField(max_length=64)
    text = models.TextField(db_default="")
    recorded_by = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_learning"
        indexes = [models.Index(fields=["tag"], name="ws_assurance_learning_tag_ix")]


class AuditAction(models.Model):
    """An action that came out of an audit, for the board's action tracker: what, whose,
    at which agency, by when, and whether it is done."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, db_column="case_id")
    learning = models.ForeignKey(
        LearningPoint, null=True, on_delete=models.SET_NULL, db_column="learning_id"
    )
    text = models.TextField()
    owner = models.TextField(help_text="Who answers for it, by name or post.")
    agency = models.CharField(max_length=32)
    due = models.DateField()
    done_at = models.DateTimeField(null=True)
    done_by = models.TextField(db_default="")
    recorded_by = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_action"
        indexes = [models.Index(fields=["agency", "due"], name="ws_assurance_action_due_ix")]


class MeasureMonth(models.Model):
    """One practice-quality measure for one month, as the nightly run computed it, so that
    the measures can be charted month by month without computing every month anew."""

    code = models.CharField(max_length=64)
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    numerator = models.IntegerField()
    denominator = models.IntegerField()
    value = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "ws_assurance_measure"
        constraints = [
            models.UniqueConstraint(fields=["code", "month"], name="ws_assurance_measure_month")
        ]
