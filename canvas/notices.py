"""Refusals that the page shows to people as a notice (see app.js: X-Canvas-Notice)."""

from django.http import HttpResponse


def refuse(text: str, status: int = 400) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["X-Canvas-Notice"] = "1"
    return response
