"""The site's 404 handler: a JSON answer under /api/, as the API documents, and the usual
page elsewhere. DRF answers the 404s of its views itself; this covers an API address that
matches no route at all (a record id with a dot in it, say), which Django would otherwise
answer with the HTML page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.exceptions import NotFound


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
