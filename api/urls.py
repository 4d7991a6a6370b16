"""/api/v1/ (versioned in the path), the OpenAPI 3 schema at /api/schema/ and its browsable
docs at /api/docs/ (Swagger UI, vendored under static/vendor/), and the pages where people
make their tokens."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import tokens
from api.views.admin_announcements import AdminAnnouncementDetailView, AdminAnnouncementListView
from api.views.admin_cohorts import AdminCohortDetailView, AdminCohortListView
from api.views.admin_enrolments import AdminEnrolmentListView
from api.views.admin_feedback import AdminFeedbackListView
from api.views.admin_pairings import AdminPairingListView
from api.views.admin_sessions import AdminSessionListView
from api.views.agenda import (
    ActionItemView,
    ActionListView,
    AgendaItemView,
    AgendaListView,
    NotesView,
)
from api.views.common import not_found
from api.views.feedback import FeedbackAnswerView, FeedbackDetailView, FeedbackListView
from api.views.goals import (
    GoalDetailView,
    GoalListView,
    MilestoneDetailView,
    MilestoneListView,
)
from api.views.materials import MaterialDownloadView, MaterialListView
from api.views.me import MeView
from api.views.messages import MessageDetailView, MessageListView
from api.views.pairings import AgreementView, FreeTimesView, PairingDetailView, PairingListView
from api.views.series import SeriesBookView, SeriesPlanView
from api.views.sessions import (
    SessionCancelView,
    SessionDetailView,
    SessionListView,
    SessionMoveView,
)

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
    path("pairings/", PairingListView.as_view(), name="pairings"),
    path("pairings/<int:pairing_id>/", PairingDetailView.as_view(), name="pairing"),
    path("pairings/<int:pairing_id>/agreement/", AgreementView.as_view(), name="pairing_agreement"),
    path(
        "pairings/<int:pairing_id>/free-times/",
        FreeTimesView.as_view(),
        name="pairing_free_times",
    ),
    path(
        "pairings/<int:pairing_id>/messages/",
        MessageListView.as_view(),
        name="pairing_messages",
    ),
    path(
        "pairings/<int:pairing_id>/series-plan/",
        SeriesPlanView.as_view(),
        name="pairing_series_plan",
    ),
    path("series/", SeriesBookView.as_view(), name="series"),
    path("messages/<int:message_id>/", MessageDetailView.as_view(), name="message"),
    path(
        "pairings/<int:pairing_id>/materials/",
        MaterialListView.as_view(),
        name="pairing_materials",
    ),
    path(
        "materials/<int:material_id>/download/",
        MaterialDownloadView.as_view(),
        name="material_download",
    ),
    path("pairings/<int:pairing_id>/goals/", GoalListView.as_view(), name="pairing_goals"),
    path("goals/<int:goal_id>/", GoalDetailView.as_view(), name="goal"),
    path("goals/<int:goal_id>/milestones/", MilestoneListView.as_view(), name="goal_milestones"),
    path(
        "goals/<int:goal_id>/milestones/<int:milestone_id>/",
        MilestoneDetailView.as_view(),
        name="goal_milestone",
    ),
    path("feedback/", FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/<int:feedback_id>/", FeedbackDetailView.as_view(), name="feedback"),
    path(
        "feedback/<int:feedback_id>/answer/",
        FeedbackAnswerView.as_view(),
        name="feedback_answer",
    ),
    path("sessions/", SessionListView.as_view(), name="sessions"),
    path("sessions/<int:appointment_id>/", SessionDetailView.as_view(), name="session"),
    path("sessions/<int:appointment_id>/move/", SessionMoveView.as_view(), name="session_move"),
    path(
        "sessions/<int:appointment_id>/cancel/",
        SessionCancelView.as_view(),
        name="session_cancel",
    ),
    path("sessions/<int:appointment_id>/agenda/", AgendaListView.as_view(), name="session_agenda"),
    path(
        "sessions/<int:appointment_id>/agenda/<int:item_id>/",
        AgendaItemView.as_view(),
        name="session_agenda_item",
    ),
    path("sessions/<int:appointment_id>/notes/", NotesView.as_view(), name="session_notes"),
    path(
        "sessions/<int:appointment_id>/actions/", ActionListView.as_view(), name="session_actions"
    ),
    path(
        "sessions/<int:appointment_id>/actions/<int:action_id>/",
        ActionItemView.as_view(),
        name="session_action",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    re_path(r"^v1/", not_found),  # any other address under v1/ (a negative id, say): JSON 404
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
