# Safe addresses (issue 13): a record marks its address confidential, and the address is
# kept only in ws_confidential_address, read for the recording agency, the IDVA and the
# Marac coordinator. (0011_confidential_address was reserved empty and stays so: a
# migration once released is never changed.)

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0014_marac"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="address_confidential",
            field=models.BooleanField(
                help_text="True when the address is confidential: it is then only in "
                "ws_confidential_address, and address and postcode here are empty.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="ConfidentialAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("agency", models.CharField(max_length=32)),
                ("record_id", models.TextField()),
                ("address", models.TextField(null=True)),
                ("postcode", models.CharField(max_length=16, null=True)),
                ("recorded_at", models.DateTimeField()),
            ],
            options={
                "db_table": "ws_confidential_address",
                "indexes": [models.Index(fields=["postcode"], name="ws_confidential_postcode")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "record_id"), name="ws_confidential_address_record"
                    )
                ],
            },
        ),
    ]
