# Issue 13 (domestic abuse). Filled in by the work that needs it; kept in one linear chain.

from typing import ClassVar

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0012_dash"),
    ]

    operations: ClassVar[list[migrations.operations.base.Operation]] = []
