from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView

from home.metrics import metrics_view
from home.views.dashboard import home_view
from identity.oidc import oidc_callback_view
from identity.views import sign_in_view
from mentoring.health import healthz, readyz

# The admin has no login of its own: staff sign in through allauth's, with its rate limits (and
# the second factor), and come back.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = gettext_lazy("Mentoring administration")
admin.site.site_title = gettext_lazy("Mentoring admin")

urlpatterns = [
    path("", home_view, name="home"),
    path("healthz", healthz, name="healthz"),  # liveness: the process answers
    path("readyz", readyz, name="readyz"),  # readiness: database, cache, broker, migrations
    path("metrics", metrics_view, name="metrics"),  # Prometheus, with METRICS_TOKEN only
    path("", include("branding.views")),
    # Before allauth's own at the same URLs and names: the sign-in page asks for the email first
    # (identity.views), and an OpenID Connect callback always checks the ID token's signature.
    path("accounts/login/", sign_in_view, name="account_login"),
    re_path(
        r"^accounts/oidc/(?P<provider_id>[^/]+)/login/callback/$",
        oidc_callback_view,
        name="openid_connect_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("identity.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: visitors' language choice
    path("", include("accounts.urls")),
    path("", include("home.urls")),
    path("", include("audit.views")),
    path("organisations/", include("organisations.urls")),
    path("programmes/", include("programmes.urls")),
    path("programmes/", include("pairings.urls")),
    path("programmes/", include("matching.urls")),
    path("programmes/", include("goals.urls")),
    path("programmes/", include("oversight.urls")),
    path("programmes/", include("chat.urls")),
    path("", include("sessions_app.urls")),  # sessions/ and programmes/goals/<id>/agenda/
    path("sessions/", include("feedback.urls")),
    path("exchange/", include("exchange.urls")),
    path("exchange/", include("notifications.urls")),
    # The outbox's admin pages moved with its models from exchange to notifications.
    re_path(
        r"^admin/exchange/(?P<rest>notification(?:settings)?/.*)$",
        RedirectView.as_view(
            url="/admin/notifications/%(rest)s", permanent=True, query_string=True
        ),
    ),
    path("scim/v2/", include("provisioning.urls")),
    path("organisations/<slug:slug>/provisioning/", include("provisioning.owner_urls")),
    path("organisations/<slug:slug>/webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
]

# The pages' error pages; under /api/ the same errors in the API's JSON (api.errors).
handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
