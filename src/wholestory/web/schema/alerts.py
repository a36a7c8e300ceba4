"""The alert tables (issue 14): what a feed or a rebuild raised, who was told, and when
each flag first appeared on a person (``wholestory.alerts``).

Kept apart from ``models.py``, which imports them so that Django registers them with
the ``store`` app.
"""

from __future__ import annotations

from django.db import models


class AlertRecord(models.Model):
    """One alert: a rule met for one child, raised once however often the feed is run."""

    rule = models.CharField(max_length=24, help_text="NEW_INVOLVEMENT, SOMETHING_NEW, NEW_FLAG")
    ws_person = models.CharField(max_length=200, db_column="ws_person_id")
    agency = models.CharField(
        max_length=32, help_text="The agency whose record arrived; empty for a new flag."
    )
    record = models.TextField(help_text="AGENCY:record_id of the record that met the rule.")
    code = models.CharField(max_length=32, help_text="The new flag's code; empty otherwise.")
    raised_at = models.DateTimeField()

    class Meta:
        db_table = "ws_alert"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ws_person", "agency", "record", "code"], name="ws_alert_once"
            )
        ]
        indexes = [models.Index(fields=["raised_at"], name="ws_alert_raised")]


class AlertRecipient(models.Model):
    """One user told of one alert: in the app until read, and by email once."""

    alert = models.ForeignKey(AlertRecord, on_delete=models.CASCADE, db_column="alert_id")
    username = models.CharField(max_length=150)
    why = models.CharField(max_length=24, help_text="worker, lead_professional or lead")
    told_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True)
    read_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_alert_recipient"
        constraints = [
            models.UniqueConstraint(fields=["alert", "username"], name="ws_alert_recipient_once")
        ]
        indexes = [models.Index(fields=["username", "read_at"], name="ws_alert_recipient_user")]


class FlagRaised(models.Model):
    """When a rebuild first raised a flag on a person: what 'a new flag' is measured by."""

    ws_person = models.CharField(max_length=200, db_column="ws_person_id")
    code = models.CharField(max_length=32)
    severity = models.CharField(max_length=8)
    raised_at = models.DateTimeField()

    class Meta:
        db_table = "ws_flag_raised"
        indexes = [
            models.Index(fields=["raised_at"], name="ws_flag_raised_at"),
            models.Index(fields=["ws_person"], name="ws_flag_raised_person"),
        ]
