"""Run matching for a cohort from a shell: `manage.py run_matching <cohort id or name>`."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from matching.services.match_runs import match_run_create, match_run_publish
from mentoring.errors import DomainError
from programmes.models import Cohort


class Command(BaseCommand):
    help = "Run matching for a cohort, print the summary, and optionally publish it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("cohort", help="the cohort's id or exact name")
        parser.add_argument("--publish", action="store_true", help="publish the proposal")

    def handle(self, *args: object, cohort: str, publish: bool, **options: object) -> None:
        found = Cohort.objects.filter(pk=int(cohort)) if cohort.isdigit() else None
        found = found or Cohort.objects.filter(name=cohort)
        if found.count() != 1:
            raise CommandError(f"No single cohort is called {cohort!r}.")
        target = found.get()
        try:
            run = match_run_create(cohort=target, by=None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"{target}: {run.matched_count} of {run.mentee_count} mentees matched "
            f"({run.matched_pct:.0f}%), mean score {run.mean_score:.2f}, "
            f"total {run.total_score:.2f}."
        )
        names = User.objects.in_bulk([row["person_id"] for row in run.unmatched])
        for row in run.unmatched:
            self.stdout.write(
                f"  unmatched {row['role']} {names.get(row['person_id'])}: {row['reason']}"
            )
        if publish:
            count = len(match_run_publish(run=run))
            self.stdout.write(self.style.SUCCESS(f"Published {count} proposed pairings."))
