"""Staff create organisations here, with their email domains and first owner, and verify the
domains the organisation's owner added (an action on organisations and on domains). Owners
manage their admins on their own page (organisations.views)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from organisations.models import ADMIN_ROLES, Membership, Organisation, OrganisationDomain, Role
from organisations.services import organisation_domains_verify
from organisations.signals import admin_role_lost


class OrganisationDomainAdminForm(forms.ModelForm):
    class Meta:
        model = OrganisationDomain
        fields = ["domain", "verified_at"]

    def clean_domain(self) -> str:
        # Lower case before the model's validator sees it (the row is stored lower case).
        domain = self.cleaned_data["domain"].strip().lower()
        holder = (
            OrganisationDomain.objects.filter(domain=domain)
            .exclude(pk=self.instance.pk)
            .select_related("organisation")
            .first()
        )
        if holder is not None:
            raise forms.ValidationError(
                _("%(organisation)s has this domain already.")
                % {"organisation": holder.organisation.name}
            )
        return domain


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    form = OrganisationDomainAdminForm
    fields = ["domain", "verified_at", "created_at"]
    readonly_fields = ["created_at"]
    extra = 1


class MembershipFormSet(forms.BaseInlineFormSet):
    """The owners' rule of the owner pages, here too: an organisation with people keeps at
    least one owner."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if kept and not any(row.get("role") == Role.OWNER for row in kept):
            raise forms.ValidationError(
                _("Keep at least one owner: nobody else could manage its admins and domains.")
            )


class MembershipInline(admin.TabularInline):
    formset = MembershipFormSet
    model = Membership
    fields = ["user", "role", "source", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]  # the people table grows with every enrolment
    extra = 1


def _verified(request: HttpRequest, count: int) -> None:
    messages.success(
        request,
        ngettext("%(count)d domain verified.", "%(count)d domains verified.", count)
        % {"count": count},
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationDomainInline, MembershipInline]
    actions = ["mark_domains_verified"]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """As the owner pages do: whoever stops being an owner or admin here also stops
        running the organisation's cohorts (admin_role_lost)."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        before = dict(
            Membership.objects.filter(organisation=form.instance).values_list("user_id", "role")
        )
        super().save_formset(request, form, formset, change)
        after = dict(
            Membership.objects.filter(organisation=form.instance).values_list("user_id", "role")
        )
        for user_id, role in before.items():
            if role in ADMIN_ROLES and after.get(user_id) not in ADMIN_ROLES:
                admin_role_lost.send(
                    Membership, organisation=form.instance, user=User.objects.get(pk=user_id)
                )

    @admin.action(description=_("Mark domains verified"))
    def mark_domains_verified(self, request: HttpRequest, queryset: QuerySet) -> None:
        domains = OrganisationDomain.objects.filter(organisation__in=queryset)
        _verified(request, organisation_domains_verify(domains=list(domains)))


@admin.register(OrganisationDomain)
class OrganisationDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "organisation", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["domain", "organisation__name"]
    list_select_related = ["organisation"]
    form = OrganisationDomainAdminForm
    actions = ["mark_verified"]

    @admin.action(description=_("Mark domains verified"))
    def mark_verified(self, request: HttpRequest, queryset: QuerySet) -> None:
        _verified(request, organisation_domains_verify(domains=list(queryset)))
