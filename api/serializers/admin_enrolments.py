"""A cohort's enrolments as its admins review them: the person, their role, whether they have
answered the cohort's questions, and their answers (as the enrolments page shows them)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.admin_common import AdminPersonSerializer
from programmes.models import Enrolment, ParticipantRole

ANSWERED = "answered"
NOT_ANSWERED = "not_answered"


class EnrolmentQuerySerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=ParticipantRole.choices, required=False, help_text="Only mentors or mentees."
    )


class EnrolmentAnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    question = serializers.CharField(help_text="The question as the cohort asks it.")
    answer = serializers.CharField(help_text="The answer as one line ('' when none).")


class AdminEnrolmentPersonSerializer(AdminPersonSerializer):
    timezone = serializers.CharField(read_only=True)


class AdminEnrolmentSerializer(serializers.ModelSerializer):
    person = AdminEnrolmentPersonSerializer(source="user", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="answered: they have answered the cohort's questions; not_answered: not yet."
    )
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = ["id", "person", "role", "capacity", "state", "answered_at", "answers"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=[ANSWERED, NOT_ANSWERED]))
    def get_state(self, enrolment: Enrolment) -> str:
        return ANSWERED if enrolment.answered_at else NOT_ANSWERED

    @extend_schema_field(EnrolmentAnswerSerializer(many=True))
    def get_answers(self, enrolment: Enrolment) -> list[dict]:
        return [
            {
                "question_id": question.pk,
                "question": question.label,
                "answer": question.answer_text(enrolment.answers),
            }
            for question in self.context["questions"]
        ]
