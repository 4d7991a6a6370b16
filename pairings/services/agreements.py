"""Contact agreements: each partner's terms, acknowledgements, and when the agreement holds.

The agreement has one version for both sides; it goes up whenever either side's terms change.
An acknowledgement of version N means "I accept the agreement as it stands at N". The
agreement holds when both stated terms and both acknowledged the current version.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send_once
from mentoring.errors import DomainError
from mentoring.links import absolute
from outbox.services import task_enqueue_on_commit
from pairings.models import Acknowledgement, ContactAgreement, ContactTerms, Pairing
from pairings.selectors.agreements import TermsView
from programmes.emails import programme_email_build
from programmes.models import Channel


class AgreementRefused(DomainError):
    pass


class AgreementChanged(AgreementRefused):
    """The terms changed after the person read them."""


@transaction.atomic
def agreement_open(*, pairing: Pairing) -> ContactAgreement:
    """Open the pairing's contact agreement (empty, version 0). Safe to repeat."""
    agreement, _created = ContactAgreement.objects.get_or_create(pairing=pairing)
    return agreement


def agreement_closed_message(*, status: str) -> str:
    """Why the agreement of a pairing in this status cannot change."""
    if status == Pairing.Status.PROPOSED:
        return _("The contact agreement opens once the pairing has started.")
    return _("This pairing has ended, so its contact agreement can no longer change.")


def _agreement_lock(*, pairing: Pairing, person: User) -> ContactAgreement:
    """The pairing's agreement, for a change. Locks the pairing's row until commit, so changes,
    acknowledgements and closing the pairing queue up behind each other.

    Raises AgreementRefused unless the person is one of the partners of an active pairing.
    """
    if person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise AgreementRefused(_("Only the two partners can change their contact agreement."))
    status = Pairing.objects.select_for_update().values_list("status", flat=True).get(pk=pairing.pk)
    if status != Pairing.Status.ACTIVE:
        raise AgreementRefused(agreement_closed_message(status=status))
    return agreement_open(pairing=pairing)


@transaction.atomic
def agreement_terms_save(
    *,
    pairing: Pairing,
    person: User,
    channels: list[str],
    phone: str,
    contact_hours: list[list[int]],
    timezone: str,
    urgent_breaks_through: bool,
    reply_time: str,
) -> tuple[ContactTerms, bool]:
    """State or change one partner's terms; returns (terms, whether they changed).

    A change bumps the version, emails the partner once for it, and records the writer's own
    acknowledgement of the new version, unless they still owed one for the partner's terms.
    Unchanged terms change nothing. Raises AgreementRefused. Safe to repeat.
    """
    agreement = _agreement_lock(pairing=pairing, person=person)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise AgreementRefused(
            _("“%(zone)s” is not a time zone we know.") % {"zone": timezone}
        ) from None
    if not channels:
        raise AgreementRefused(_("Choose at least one way to be reached."))
    if not contact_hours:
        raise AgreementRefused(_("Give at least one time window when your partner may reach you."))
    profile = person.profile
    if phone == ContactTerms.PhoneChoice.WORK and not profile.work_phone:
        raise AgreementRefused(_("Add a work phone number to your profile first."))
    if phone == ContactTerms.PhoneChoice.PERSONAL and not profile.personal_phone:
        raise AgreementRefused(_("Add a personal phone number to your profile first."))
    stated = {
        "channels": [c for c in Channel.values if c in channels],
        "phone": phone,
        "contact_hours": sorted(list(window) for window in contact_hours),
        "timezone": timezone,
        "urgent_breaks_through": urgent_breaks_through,
        "reply_time": reply_time,
    }
    sides = {t.person_id: t for t in agreement.terms.all()}
    terms = sides.get(person.pk)
    first = terms is None
    if terms is not None and all(getattr(terms, k) == v for k, v in stated.items()):
        return terms, False
    if terms is None:
        terms = ContactTerms(agreement=agreement, person=person)
    for name, value in stated.items():
        setattr(terms, name, value)
    terms.full_clean(exclude=["agreement", "person"])
    terms.save()

    partner = pairing.partner_of(person)
    # Writing one's own terms leaves the partner's as they were: whoever had accepted those
    # (or has none to accept) stands by the new version; whoever had not, still has to.
    had_accepted = Acknowledgement.objects.filter(
        agreement=agreement, person=person, version=agreement.version
    ).exists()
    agreement.version += 1
    agreement.save(update_fields=["version", "updated_at"])
    if had_accepted or partner.pk not in sides:
        Acknowledgement.objects.create(
            agreement=agreement, person=person, version=agreement.version
        )

    from pairings.tasks.agreements import agreement_terms_notify_task

    kind = "stated" if first else "changed"
    version = agreement.version
    task_enqueue_on_commit(agreement_terms_notify_task, agreement.pk, version, kind, partner.pk)
    return terms, True


@transaction.atomic
def agreement_acknowledge(*, pairing: Pairing, person: User, seen_version: int) -> Acknowledgement:
    """Accept the partner's terms as they stood at `seen_version`.

    Raises AgreementChanged when the agreement moved on since, AgreementRefused when there is
    nothing to accept or the pairing is not active. Safe to repeat.
    """
    agreement = _agreement_lock(pairing=pairing, person=person)
    partner = pairing.partner_of(person)
    if not agreement.terms.filter(person=partner).exists():
        raise AgreementRefused(
            _("%(partner)s has not stated their terms yet: there is nothing to acknowledge.")
            % {"partner": partner.name}
        )
    if agreement.version != seen_version:
        raise AgreementChanged(_("Your partner changed their terms a moment ago; read them again."))
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        agreement=agreement, person=person, version=agreement.version
    )
    return acknowledgement


def agreement_terms_notify(
    *, agreement_id: int, version: int, kind: str, recipient_id: int
) -> bool:
    """Email the partner that the other side stated ("stated") or changed ("changed") their
    terms at `version`: once per (version, recipient), only while the pairing is active."""
    agreement = ContactAgreement.objects.select_related(
        "pairing__cohort", "pairing__mentor", "pairing__mentee"
    ).get(pk=agreement_id)
    pairing = agreement.pairing
    if pairing.status != Pairing.Status.ACTIVE:
        return False
    recipient = pairing.mentor if pairing.mentor_id == recipient_id else pairing.mentee
    author = pairing.partner_of(recipient)
    terms = agreement.terms.filter(person=author).first()
    if terms is None:
        return False
    names = {"author": author.name, "cohort": pairing.cohort.name}
    if kind == "stated":
        subject = _("%(author)s stated their contact terms — please review and acknowledge")
    else:
        subject = _("%(author)s updated their contact terms — please review and acknowledge")
    owes_terms = not agreement.terms.filter(person=recipient).exists()
    return email_send_once(
        kind="agreement_terms",
        key=f"agreement:{agreement.pk}:v{version}",
        recipient=recipient,
        build=lambda: programme_email_build(
            template="pairings/agreement_terms",
            to=recipient,
            subject=subject % names,
            context={
                "author": author,
                "cohort": pairing.cohort,
                "terms": TermsView.of(terms),
                "first": kind == "stated",
                "owes_terms": owes_terms,
                "link": absolute("pairings:agreement_detail", pairing.pk),
            },
        ),
    )
