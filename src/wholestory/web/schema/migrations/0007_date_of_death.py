# A person's date of death, where an agency knows it: on each agency record, and on the
# stored chronology (which is then as of that day).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0006_agency_setting"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="date_of_death",
            field=models.CharField(
                help_text="YYYY-MM-DD, where the agency knows the person died.",
                max_length=10,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="chronologyrecord",
            name="date_of_death",
            field=models.CharField(
                help_text="The chronology is as of this day when set.", max_length=10, null=True
            ),
        ),
    ]
