"""An upload handler that stops storing a file as soon as it passes the largest size any form
here accepts, instead of spooling gigabytes to disk before a form can say "too big".

The file is dropped (the rest of its bytes are read and thrown away), the other fields of the
form still arrive, and the request remembers which file fields were dropped so the form can
say why. A web server in front should refuse bodies far over the limit before Django sees them.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class UploadSizeLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts each file's bytes and drops the file past
    settings.UPLOAD_MAX_BYTES."""

    def new_file(self, field_name: str, *args: object, **kwargs: object) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            dropped = getattr(self.request, "uploads_dropped", set())
            dropped.add(self.field_name)
            self.request.uploads_dropped = dropped
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers make the file


def uploads_dropped(request: HttpRequest) -> set[str]:
    """The names of the file fields of this request that were too big to keep."""
    return getattr(request, "uploads_dropped", set())
