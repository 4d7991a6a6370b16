"""Sessions a partner said did not take place, recorded on the session (see
sessions_app.Appointment.reported_not_held) for the feedback given before the field existed."""

from django.db import migrations


def mark_not_held(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    Appointment = apps.get_model("sessions_app", "Appointment")
    ids = Feedback.objects.filter(kind="session", took_place=False).values("appointment_id")
    Appointment.objects.filter(pk__in=ids).update(reported_not_held=True)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("sessions_app", "0002_appointment_reported_not_held"),
    ]

    operations = [migrations.RunPython(mark_not_held, migrations.RunPython.noop)]
