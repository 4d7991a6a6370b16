from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from branding.models import Branding
from branding.selectors import branding_forget


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    """One row: the list opens it straight away, and it cannot be deleted."""

    fields = ("name", "logo", "main_colour")

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row = (
            Branding.objects.filter(organisation__isnull=True).first() or Branding.objects.create()
        )
        return HttpResponseRedirect(reverse("admin:branding_branding_change", args=[row.pk]))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        branding_forget()
