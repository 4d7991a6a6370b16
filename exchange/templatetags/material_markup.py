"""`{% material_item material show_session=… can_withdraw=… %}`: one shared material, written in
Python. Through its include it was most of a materials page's own rendering (about 1,500 calls
a material: two {% url %}, three {% blocktranslate %}, three date filters).

The markup is byte for byte what templates/exchange/_partials/material_item.html wrote
(tests/exchange/material_item_before.html holds it; tests/exchange/test_material_markup.py
compares the two in each language): texts go through the same msgids, values are escaped as
the template escaped them and dates written as its filters wrote them.
"""

from datetime import UTC

from django import template
from django.template.defaultfilters import date, filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from exchange.models import Material
from mentoring.quickforms import csrf_input, escape_value

register = template.Library()


def material_item_html(
    material: Material,
    *,
    user_id: int | None,
    show_session: bool,
    can_withdraw: bool,
    embedded: bool,
    csrf_token: object,
) -> SafeString:
    """The material as the partial wrote it for the viewer `user_id`: `show_session` says
    which session it is for, `can_withdraw` offers the sharer the button, `embedded` when the
    list sits on another page."""
    title = escape_value(material.title)
    if material.kind == "link":
        what = gettext("link to %(host)s") % {"host": escape_value(material.host)}
        header = (
            f'\n      <a href="{escape_value(material.url)}" rel="noopener noreferrer nofollow"'
            f' target="_blank"><strong>{title}</strong></a>\n'
            f'      <small class="muted">({what})</small>\n    '
        )
    else:
        size = escape_value(filesizeformat(material.size))
        url = reverse("exchange:material_download", args=[material.pk])
        header = (
            f'\n      <a href="{escape_value(url)}" download><strong>{title}</strong></a>\n'
            f'      <small class="muted">({gettext("download, %(size)s") % {"size": size}})'
            "</small>\n    "
        )
    note = f"<p>{linebreaksbr(material.note, autoescape=True)}</p>" if material.note else ""
    mine = material.shared_by_id == user_id
    if mine:
        by = escape_value(gettext("Shared by you"))
    else:
        by = gettext("Shared by %(name)s") % {"name": escape_value(material.shared_by.name)}
    created = material.created_at
    session = ""
    if show_session and material.appointment:
        when = date(template_localtime(material.appointment.starts_at), "D j M, H:i")
        cancelled = ""
        if material.appointment.status == "cancelled":
            cancelled = f" ({escape_value(gettext('cancelled'))})"
        agenda = reverse("sessions_app:agenda", args=[material.appointment_id])
        session = (
            f'\n      · <a href="{escape_value(agenda)}">'
            f"{gettext('for the session on %(when)s') % {'when': escape_value(when)}}</a>"
            f"{cancelled}\n    "
        )
    withdraw = ""
    if can_withdraw and mine:
        url = escape_value(reverse("exchange:material_withdraw", args=[material.pk]))
        url += "?embedded=1" if embedded else ""
        confirm = escape_value(
            gettext("Withdraw it? Your partner will no longer be able to open it.")
        )
        withdraw = (
            "\n    \n"
            f'    <form method="post" action="{url}" hx-post="{url}" hx-target="#materials"'
            f' hx-swap="outerHTML" hx-confirm="{confirm}" hx-disabled-elt="find button"'
            ' class="inline-form">\n'
            f"      {csrf_input(csrf_token)}\n"
            '      <button type="submit" class="secondary outline">'
            f'{escape_value(gettext("Withdraw"))}<span class="visually-hidden">: {title}</span>'
            "</button>\n"
            "    </form>\n  "
        )
    return SafeString(
        f'\n\n<article class="material" id="material-{material.pk}">\n'
        f"  <header>\n    {header}\n  </header>\n"
        f"  {note}\n"
        '  <p class="muted"><small>\n'
        f"    {by}\n"
        f'    · <time datetime="{escape_value(date(created.astimezone(UTC), "c"))}">'
        f"{escape_value(date(template_localtime(created), 'DATETIME_FORMAT'))}</time>\n"
        f"    {session}\n"
        "  </small></p>\n"
        f"  {withdraw}\n"
        "</article>\n"
    )


@register.simple_tag(takes_context=True)
def material_item(
    context: template.Context, material: Material, *, show_session: bool, can_withdraw: bool
) -> SafeString:
    """What `{% include "exchange/_partials/material_item.html" %}` wrote for `material`; from
    the page: `user`, `embedded` and the CSRF token."""
    user = context.get("user")
    return material_item_html(
        material,
        user_id=getattr(user, "pk", None),
        show_session=show_session,
        can_withdraw=can_withdraw,
        embedded=bool(context.get("embedded")),
        csrf_token=context.get("csrf_token"),
    )
