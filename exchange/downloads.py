"""The one answer to a material download, for the pages and the API alike: the file as an
attachment with the content type found when it was checked, or a redirect for a link."""

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from exchange.models import Material, materials_storage


def material_response(material: Material) -> HttpResponse:
    """Stream `material` (already checked to be the viewer's); 404 when its file is gone."""
    if material.kind == Material.Kind.LINK:
        return HttpResponseRedirect(material.url)
    try:
        stream = materials_storage().open(material.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=material.title,
        content_type=material.content_type or "application/octet-stream",
    )
    # Never rendered by the browser as anything but what it was checked to be, and kept out
    # of shared caches: these are private papers.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
