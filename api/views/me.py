"""GET /api/v1/me/: who the request acts as."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "timezone", "language"]
        read_only_fields = fields


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The person the request acts as")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
