"""HTTPS deployments: HSTS and secure cookies when SECURE_COOKIES=1."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_https_deployments_get_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000  # what SECURE_COOKIES=1 sets (canvas/settings.py)
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
