"""Every existing cohort into one organisation, its admins that organisation's admins and its
participants its members, so that an installation from before organisations keeps working."""

from django.db import migrations, models


def _into_one_organisation(apps, schema_editor):
    Cohort = apps.get_model("programmes", "Cohort")
    if not Cohort.objects.exists():
        return
    Organisation = apps.get_model("organisations", "Organisation")
    Membership = apps.get_model("organisations", "Membership")
    Enrolment = apps.get_model("programmes", "Enrolment")
    organisation, _ = Organisation.objects.get_or_create(
        slug="our-organisation", defaults={"name": "Our organisation"}
    )
    Cohort.objects.filter(organisation__isnull=True).update(organisation=organisation)
    admin_ids = set(
        Cohort.admins.through.objects.filter(cohort__organisation=organisation).values_list(
            "user_id", flat=True
        )
    )
    member_ids = set(
        Enrolment.objects.filter(cohort__organisation=organisation).values_list(
            "user_id", flat=True
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(organisation=organisation, user_id=user_id, role="admin")
            for user_id in sorted(admin_ids)
        ]
        + [
            Membership(organisation=organisation, user_id=user_id, role="member")
            for user_id in sorted(member_ids - admin_ids)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("programmes", "0006_cohort_organisation"),
    ]

    operations = [
        migrations.RunPython(_into_one_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cohort",
            name="organisation",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="cohorts",
                to="organisations.organisation",
                verbose_name="organisation",
            ),
        ),
    ]
