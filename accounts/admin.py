from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    ordering = ["email"]
    list_display = ["email", "display_name", "timezone", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "timezone"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login", "welcome_email_sent_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["display_name", "timezone", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["date_joined", "last_login", "welcome_email_sent_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "headline",
        "field",
        "is_mentor",
        "is_mentee",
        "capacity",
        "years_experience",
        "city",
        "onboarded_at",
    ]
    list_filter = ["is_mentor", "is_mentee", "field", "onboarded_at"]
    search_fields = ["user__email", "user__display_name", "headline", "city", "goals"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "onboarded_at"
