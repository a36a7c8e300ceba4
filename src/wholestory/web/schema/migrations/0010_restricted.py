# Records an agency marks as restricted (issue 18): the category code from the template's
# `restricted` column (SEXUAL_HEALTH, ADOPTION, ... or RESTRICTED for a plain yes), null for
# an ordinary record. Such a record is only ever shown in full to the agency that recorded it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0009_lookalike"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="restricted",
            field=models.CharField(
                help_text="The restricted category code the agency marked the record with; "
                "null for an ordinary record.",
                max_length=40,
                null=True,
            ),
        ),
    ]
