# Four eyes on accounts and grants, and one-time password links (issue 11, M1).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accessgrant",
            name="approved_by",
            field=models.TextField(db_default="", default=""),
        ),
        migrations.AddField(
            model_name="accessgrant",
            name="waiting",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="membership",
            name="added_by",
            field=models.TextField(db_default="", default=""),
        ),
        migrations.AddField(
            model_name="membership",
            name="approved_by",
            field=models.TextField(db_default="", default=""),
        ),
        migrations.AddField(
            model_name="membership",
            name="waiting",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="notification",
            name="url",
            field=models.TextField(db_default="", default=""),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("admin", "Administrator"),
                    ("board", "Board member"),
                    ("data", "Data officer"),
                    ("governance", "Partnership information governance"),
                    ("identity", "Identity reviewer"),
                    ("lead", "Safeguarding lead"),
                    ("manager", "Manager"),
                    ("practitioner", "Practitioner"),
                    ("qa", "Quality assurance officer"),
                    ("reviewer", "Reviewer"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="PasswordLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("created_by", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("used_at", models.DateTimeField(null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "db_table": "ws_password_link",
            },
        ),
    ]
