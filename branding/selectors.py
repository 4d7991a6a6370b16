"""The branding, read on every page: cached, so a page asks the database nothing.

One cache entry holds the installation's branding and each organisation's own. A page shows an
organisation's branding to a person who belongs to that organisation alone; the organisations a
person belongs to are cached too, and asked for only once some organisation has branding."""

from django.core.cache import cache

from branding.models import Branding

CACHE_KEY = "branding:v2"
PEOPLE_TIMEOUT = 300  # a new membership shows its branding within five minutes at the latest


def _as_dict(row: Branding) -> dict:
    return {
        "name": row.name,
        "has_logo": bool(row.logo),
        "main_colour": row.main_colour,
        "version": int(row.updated_at.timestamp()) if row.updated_at else 0,
        "organisation_id": row.organisation_id,
    }


def branding_defaults() -> dict:
    """The branding before staff save any (no query), with no organisation's own."""
    return _as_dict(Branding()) | {"by_organisation": {}}


def branding_get() -> dict:
    """Name, logo presence, colour and version of the installation's branding (defaults when
    none is saved), and each organisation's own under "by_organisation" (by id)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        rows = list(Branding.objects.all())
        installation = next((row for row in rows if row.organisation_id is None), Branding())
        found = _as_dict(installation) | {
            "by_organisation": {
                row.organisation_id: _as_dict(row) for row in rows if row.organisation_id
            }
        }
        cache.set(CACHE_KEY, found, timeout=None)
    return found


def _people_key(user_id: int) -> str:
    return f"branding:person:{user_id}"


def read_ahead_keys(request) -> list[str]:
    """The branding's keys, read with the page's others in one round trip
    (mentoring.cache.ReadAheadMiddleware): every page shows the branding."""
    user = request.user
    return [CACHE_KEY, _people_key(user.pk)] if user.is_authenticated else [CACHE_KEY]


def branding_for(*, user: object) -> dict:
    """The branding of this person's pages: their organisation's own when they belong to
    exactly one organisation and it has one; otherwise the installation's."""
    found = branding_get()
    if not found["by_organisation"] or not getattr(user, "is_authenticated", False):
        return found
    key = _people_key(user.pk)
    organisation_ids = cache.get(key)
    if organisation_ids is None:
        # Memberships are organisations.Membership (an app above): read through the relation.
        organisation_ids = list(user.memberships.values_list("organisation_id", flat=True)[:2])
        cache.set(key, organisation_ids, timeout=PEOPLE_TIMEOUT)
    if len(organisation_ids) == 1 and organisation_ids[0] in found["by_organisation"]:
        return found["by_organisation"][organisation_ids[0]]
    return found


def branding_of(*, organisation_id: int | None) -> dict:
    """The branding stored for the organisation, else the installation's."""
    found = branding_get()
    return found["by_organisation"].get(organisation_id, found)


def branding_forget(*, user_id: int | None = None) -> None:
    """After a branding changed (or, with `user_id`, the organisations of one person)."""
    cache.delete(_people_key(user_id) if user_id is not None else CACHE_KEY)
