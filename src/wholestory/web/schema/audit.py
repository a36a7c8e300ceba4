"""The audit log's tables: the append-only, hash-chained entries and the last one's hash.

Kept apart from ``models.py`` (the records, linking and chronologies), which imports
them so that Django registers them with the ``store`` app.
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One entry of the append-only, hash-chained audit log (see ``wholestory.audit``).

    The database refuses UPDATE and DELETE on this table (triggers in the
    migration); ``wholestory audit verify`` checks the chain without trusting it.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.CharField(max_length=40)
    actor = models.TextField()
    agency = models.CharField(max_length=32)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=16)
    person = models.CharField(max_length=200)
    target = models.TextField()
    reason = models.TextField()
    outcome = models.CharField(max_length=16)
    detail = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "ws_audit"
        indexes = [
            models.Index(fields=["person"], name="ws_audit_person"),
            models.Index(fields=["actor"], name="ws_audit_actor"),
        ]


class AuditHead(models.Model):
    """The last entry's number and hash, so removing the newest entries is caught."""

    id = models.IntegerField(primary_key=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        db_table = "ws_audit_head"
