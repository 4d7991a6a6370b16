"""A cohort's own enrolment questions: added, changed, moved and removed by its admins.

Each change is in the cohort's audit trail (EnrolmentQuestion is registered with auditlog).
"""

from django.db import transaction
from django.db.models import Max

from programmes.models import Cohort, Enrolment, EnrolmentQuestion


def question_create(
    *,
    cohort: Cohort,
    label: str,
    help_text: str = "",
    kind: str,
    choices: list[str] | None = None,
    required: bool = False,
    match_weight: float = 0.0,
) -> EnrolmentQuestion:
    """Add a question at the end of the cohort's form (validated by EnrolmentQuestionForm)."""
    last = cohort.questions.aggregate(last=Max("order"))["last"]
    question = EnrolmentQuestion(
        cohort=cohort,
        label=label,
        help_text=help_text,
        kind=kind,
        choices=choices or [],
        required=required,
        match_weight=match_weight,
        order=0 if last is None else last + 1,
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: EnrolmentQuestion, **changes: object) -> EnrolmentQuestion:
    """Change a question. Answers to a choice that no longer exists are dropped. Safe to
    repeat."""
    for name, value in changes.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    _answers_prune(question=question)
    return question


def _answers_prune(*, question: EnrolmentQuestion) -> None:
    key = str(question.pk)
    changed = []
    enrolments = Enrolment.objects.filter(cohort_id=question.cohort_id, answers__has_key=key)
    for enrolment in enrolments.select_for_update().only("answers"):
        value = enrolment.answers[key]
        if question.is_choice:
            values = value if isinstance(value, list) else [value]
            kept = [v for v in values if v in question.choices]
            if question.kind == EnrolmentQuestion.Kind.SINGLE:
                kept = kept[:1]
            new = kept if question.kind == EnrolmentQuestion.Kind.MULTIPLE else "".join(kept)
        else:
            new = "; ".join(value) if isinstance(value, list) else value
        if new in ("", []):
            del enrolment.answers[key]
        elif new != value:
            enrolment.answers[key] = new
        else:
            continue
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["answers"])


@transaction.atomic
def question_delete(*, question: EnrolmentQuestion) -> None:
    """Remove the question and everyone's answer to it. Safe to repeat."""
    key = str(question.pk)
    enrolments = Enrolment.objects.filter(cohort_id=question.cohort_id, answers__has_key=key)
    changed = []
    for enrolment in enrolments.select_for_update().only("answers"):
        del enrolment.answers[key]
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["answers"])
    question.delete()


@transaction.atomic
def question_move(*, question: EnrolmentQuestion, up: bool) -> None:
    """Swap the question with the one before (up) or after it; nothing at either end."""
    ordered = list(
        EnrolmentQuestion.objects.select_for_update().filter(cohort_id=question.cohort_id)
    )
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])  # one save each: the audit trail sees the move
