"""/api/v1/ (versioned in the path), the OpenAPI 3 schema at /api/schema/ and its browsable
docs at /api/docs/ (Swagger UI, vendored under static/vendor/), and the pages where people
make their tokens."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import tokens
from api.views.admin_announcements import AdminAnnouncementDetailView, AdminAnnouncementListView
from api.views.admin_cohorts import AdminCohortDetailView, AdminCohortListView
from api.views.admin_enrolments import AdminEnrolmentListView
from api.views.admin_feedback import AdminFeedbackListView
from api.views.admin_pairings import AdminPairingListView
from api.views.admin_sessions import AdminSessionListView
from api.views.me import MeView

app_name = "api"

v1 = [
    path("me/", MeView.as_view(), name="me"),
    # Programme admins and organisation tokens: the cohorts they may read (api.access).
    path("admin/cohorts/", AdminCohortListView.as_view(), name="admin_cohort_list"),
    path(
        "admin/cohorts/<int:cohort_id>/",
        AdminCohortDetailView.as_view(),
        name="admin_cohort_detail",
    ),
    path(
        "admin/cohorts/<int:cohort_id>/enrolments/",
        AdminEnrolmentListView.as_view(),
        name="admin_enrolment_list",
    ),
    path(
        "admin/cohorts/<int:cohort_id>/pairings/",
        AdminPairingListView.as_view(),
        name="admin_pairing_list",
    ),
    path(
        "admin/cohorts/<int:cohort_id>/sessions/",
        AdminSessionListView.as_view(),
        name="admin_session_list",
    ),
    path(
        "admin/cohorts/<int:cohort_id>/feedback/",
        AdminFeedbackListView.as_view(),
        name="admin_feedback_list",
    ),
    path(
        "admin/cohorts/<int:cohort_id>/announcements/",
        AdminAnnouncementListView.as_view(),
        name="admin_announcement_list",
    ),
    path(
        "admin/announcements/<int:announcement_id>/",
        AdminAnnouncementDetailView.as_view(),
        name="admin_announcement_detail",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", tokens.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path(
        "organisations/<slug:slug>/tokens/",
        tokens.organisation_token_list_view,
        name="organisation_tokens",
    ),
    path(
        "organisations/<slug:slug>/tokens/<int:token_id>/revoke/",
        tokens.organisation_token_revoke_view,
        name="organisation_token_revoke",
    ),
]
