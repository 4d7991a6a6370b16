"""Materials: GET /api/v1/pairings/{id}/materials/ (newest first) and POST to share a file
(multipart) or a link; GET /api/v1/materials/{id}/download/ streams a file with the content
type found when it was checked. Same checks and storage as the materials page."""

from django.http import FileResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema
from api.serializers.materials import MaterialSerializer, MaterialShareSerializer
from api.views.common import refused
from exchange.downloads import material_response
from exchange.models import Material
from exchange.selectors.materials import (
    material_get_for_user,
    material_sessions_for,
    materials_for_pairing,
    materials_with_hosts,
)
from exchange.services.materials import (
    MaterialRefused,
    material_share_file,
    material_share_link,
)
from mentoring.uploads import uploads_dropped
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user


@list_schema(MaterialSerializer)
class MaterialListView(generics.ListCreateAPIView):
    """GET: the pairing's materials still shared. POST: share a file or a link."""

    serializer_class = MaterialSerializer
    queryset = Material.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("-created_at", "-id")
    ordering_fields = ["created_at"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _pairing(self) -> Pairing:
        return pairing_get_for_user(user=self.request.user, pairing_id=self.kwargs["pairing_id"])

    def get_queryset(self):
        return materials_for_pairing(pairing=self._pairing())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return materials_with_hosts(page) if page is not None else None

    @extend_schema(
        request={"multipart/form-data": MaterialShareSerializer},
        responses={201: MaterialSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Share a file or a link with your partner",
    )
    def post(self, request: Request, pairing_id: int) -> Response:
        pairing = self._pairing()
        data = MaterialShareSerializer(
            data=request.data, context={"file_dropped": "file" in uploads_dropped(request)}
        )
        data.is_valid(raise_exception=True)
        share = data.validated_data
        appointment = None
        if share.get("session"):
            appointment = (
                material_sessions_for(pairing=pairing, now=timezone.now())
                .filter(pk=share["session"])
                .first()
            )
            if appointment is None:
                return Response(
                    {
                        "session": [
                            _(
                                "Materials can be shared only for one of your upcoming "
                                "sessions together."
                            )
                        ]
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            if share.get("file"):
                material = material_share_file(
                    pairing=pairing,
                    by=request.user,
                    upload=share["file"],
                    note=share["note"],
                    appointment=appointment,
                )
            else:
                material = material_share_link(
                    pairing=pairing,
                    by=request.user,
                    url=share["url"],
                    title=share["title"],
                    note=share["note"],
                    appointment=appointment,
                )
        except MaterialRefused as exc:
            field = {"appointment": "session"}.get(exc.field, exc.field)
            return refused(exc, code="material_refused", field=field)
        [material] = materials_with_hosts([material])
        return Response(
            MaterialSerializer(material, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MaterialDownloadView(APIView):
    """The file, to the pairing's two people only; a link redirects to its address."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # The answer is the file, whatever type the client says it accepts.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="A link: to its address (Location)."),
            404: RefusalSerializer,
        },
        summary="Download a shared file, with the content type found when it was checked",
    )
    def get(self, request: Request, material_id: int) -> FileResponse | HttpResponseRedirect:
        return material_response(material_get_for_user(user=request.user, material_id=material_id))
