from django.db import migrations, models

import sessions_app.db


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0001_initial"),
    ]

    operations = [
        # In place on SQLite (the embedded mode): see sessions_app.db.
        sessions_app.db.AddFieldInPlace(
            model_name="appointment",
            name="reported_not_held",
            field=models.BooleanField(default=False),
        ),
    ]
