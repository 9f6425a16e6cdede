"""The preview's server side: origins, the frame's CSP and headers, runtime files, config, export.

These guard the contract of research/preview-sandbox.md §6 (tests 24, 28 and 30) without a browser:
the sandbox tokens, the CSP directives, the import-map hash matching the served map, CORS on every
runtime file, and the origin logic (localhost ↔ 127.0.0.1 by default, CANVAS_PREVIEW_ORIGIN).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from canvas.preview import security
from canvas.preview.export import build_standalone, imported_specifiers
from canvas.preview.icons import icon_file, icon_imports
from canvas.preview.runtime import load_runtime

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("allow-same-origin", "allow-popups", "allow-top-navigation", "allow-modals")


def request(host: str, path: str = "/", **params):
    return RequestFactory().get(path, params, HTTP_HOST=host)


def directives(csp: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


# --- origins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "expected"), [
    ("localhost:8000", "http://127.0.0.1:8000"),
    ("127.0.0.1:8000", "http://localhost:8000"),
    ("[::1]:8000", "http://localhost:8000"),
    ("LOCALHOST:9", "http://127.0.0.1:9"),
    ("localhost", "http://127.0.0.1"),
])
def test_preview_is_on_the_other_loopback_name_by_default(host, expected, settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    assert security.preview_origin(request(host)) == expected


def test_configured_preview_origin_wins(settings):
    settings.CANVAS_PREVIEW_ORIGIN = "https://Preview.Example.NET/"
    settings.ALLOWED_HOSTS = ["app.example.com"]
    assert security.preview_origin(request("app.example.com")) == "https://preview.example.net"


def test_other_hosts_fall_back_to_their_own_origin(settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    settings.ALLOWED_HOSTS = ["canvas.lan"]
    assert security.preview_origin(request("canvas.lan:8000")) == "http://canvas.lan:8000"


@pytest.mark.parametrize(("value", "expected"), [
    ("https://a.example", "https://a.example"),
    ("https://a.example:443", "https://a.example"),
    ("http://a.example:8080/", "http://a.example:8080"),
    ("http://a.example/path", None),
    ("javascript:alert(1)", None),
    ("ftp://a.example", None),
    ("https://user@a.example", None),
    ("", None),
])
def test_normalize_origin(value, expected):
    assert security.normalize_origin(value) == expected


@pytest.mark.parametrize(("frame_host", "parent", "expected"), [
    ("127.0.0.1:8000", "http://localhost:8000", "http://localhost:8000"),
    ("localhost:8000", "http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("localhost:8000", "http://[::1]:8000", "http://[::1]:8000"),
    ("127.0.0.1:8000", "http://127.0.0.1:8000", None),  # same site: not its partner
    ("127.0.0.1:8000", "http://localhost:9000", None),  # another server
    ("127.0.0.1:8000", "http://evil.example", None),
    ("127.0.0.1:8000", "", None),
])
def test_frame_ancestor_is_the_partner_app_only(frame_host, parent, expected, settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    assert security.frame_ancestor(request(frame_host, parent=parent)) == expected


def test_frame_ancestor_with_a_configured_preview_site(settings):
    settings.CANVAS_PREVIEW_ORIGIN = "https://preview.example.net"
    settings.ALLOWED_HOSTS = ["app.example.com", "preview.example.net"]
    frame = {"HTTP_HOST": "preview.example.net", "secure": True}
    rf = RequestFactory()
    ok = rf.get("/preview/frame", {"parent": "https://app.example.com"}, **frame)
    assert security.frame_ancestor(ok) == "https://app.example.com"
    own = rf.get("/preview/frame", {"parent": "https://preview.example.net"}, **frame)
    assert security.frame_ancestor(own) is None
    stranger = rf.get("/preview/frame", {"parent": "https://evil.example"}, **frame)
    assert security.frame_ancestor(stranger) is None


# --- the frame ---------------------------------------------------------------------------------


def frame_response(client: Client, host: str = "127.0.0.1:8000", parent: str = "http://localhost:8000"):
    return client.get("/preview/frame", {"ch": "t0k3n", "parent": parent}, HTTP_HOST=host)


def test_frame_csp_sandboxes_and_cuts_the_network(settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    response = frame_response(Client())
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    d = directives(csp)
    assert d["sandbox"] == "allow-scripts allow-forms allow-downloads"
    assert not any(token in csp for token in FORBIDDEN)
    assert d["connect-src"] == "'none'"
    assert d["form-action"] == "'none'"
    assert d["default-src"] == "'none'"
    assert d["frame-ancestors"] == "http://localhost:8000"
    for name in ("worker-src", "frame-src", "object-src", "base-uri", "child-src"):
        assert d[name] == "'none'", name
    assert d["img-src"] == "data: blob:" and d["font-src"] == "data:"
    sources = d["script-src"].split()
    assert sources[0] == "http://127.0.0.1:8000/preview/assets/"
    assert "'unsafe-inline'" not in sources and "*" not in sources and "'self'" not in sources
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    assert "X-Frame-Options" not in response  # frame-ancestors decides instead


def test_frame_without_a_valid_parent_may_not_be_embedded(settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    response = frame_response(Client(), parent="http://evil.example")
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert directives(response["Content-Security-Policy"])["sandbox"]


def test_import_map_hash_in_the_csp_matches_the_served_map(settings):
    response = frame_response(Client())
    html = response.content.decode()
    scripts = re.findall(r"<script type=\"importmap\">(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response["Content-Security-Policy"]
    imports = json.loads(scripts[0])["imports"]
    for specifier in ("react", "react-dom/client", "react/jsx-runtime", "recharts", "lucide-react",
                      "lodash", "d3", "three", "papaparse", "mathjs", "framer-motion", "sonner",
                      "@/components/ui/button", "@/components/ui/card", "@/lib/utils",
                      "three/examples/jsm/controls/OrbitControls", "next/link", "next/image",
                      "next/head", "next/font/google", "next/router", "motion/react"):
        assert imports[specifier].startswith("/preview/assets/"), specifier
    # No inline script besides the import map (the others are data blocks or external).
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert sorted(inline) == [' type="application/json" id="canvas-runtime"', ' type="importmap"']
    assert "t0k3n" not in html  # the token travels in the URL only, never in a response


def test_the_frame_and_the_export_show_no_template_text():
    """What the templates say to their readers stays out of the page (a multi-line {# #} does
    not: Django prints it, and the app showed it above its own content)."""
    frame = frame_response(Client()).content.decode()
    standalone = build_standalone("export default () => <p>hi</p>;", "jsx", "T")
    for html in (frame, standalone):
        body = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
        assert "{#" not in body and "#}" not in body and "{%" not in body
        assert "A quiet default look" not in body


def test_the_app_embeds_the_frame_with_the_same_sandbox_tokens_only():
    """Regression guard (research test 28) on the parent code that creates the iframe."""
    source = (ROOT / "frontend/src/preview/frame-host.js").read_text()
    sandbox = re.search(r'export const SANDBOX = "([^"]+)"', source).group(1)
    assert sandbox == security.iframe_sandbox_attribute() == " ".join(security.SANDBOX_TOKENS)
    assert not any(token in sandbox for token in FORBIDDEN)
    assert re.findall(r'setAttribute\("sandbox", ([^)]+)\)', source) == ["SANDBOX"]
    assert "sandbox" not in source.replace("SANDBOX", "").replace('"sandbox"', "").lower().replace(
        "sandboxed", "")


# --- runtime files -------------------------------------------------------------------------------


def test_every_runtime_file_is_served_with_cors_and_javascript_type():
    client = Client()
    runtime = load_runtime()
    names = [mod["file"] for mod in runtime.modules.values()]
    names += [runtime.boot["file"], runtime.tailwind["file"]]
    names += [g["file"] for g in runtime.globals.values()]
    for name in names:
        response = client.get(f"/preview/assets/{name}", HTTP_HOST="127.0.0.1:8000")
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/javascript; charset=utf-8", name
        assert response["Access-Control-Allow-Origin"] == "*", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert "immutable" in response["Cache-Control"], name


def test_runtime_files_are_gzipped_for_browsers_that_accept_it():
    runtime = load_runtime()
    name = runtime.modules["react-dom-client"]["file"]
    response = Client().get(f"/preview/assets/{name}", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    body = response.content
    assert len(body) < runtime.modules["react-dom-client"]["bytes"] / 2
    assert gzip.decompress(body) == (runtime.root / name).read_bytes()


@pytest.mark.parametrize("name", ["manifest.json", "../manifest.json", "../../canvas/settings.py",
                                  "%2e%2e/secret", "nope.js", "bench/../manifest.json",
                                  "ICONS/nope.js", "ICONS/../manifest.json", "ICONS/", "ICONS/.js",
                                  "ICONS/star,camera.js", "ICONS/camera,camera.js", "ICONS/camera",
                                  "ICONS/camera,nope.js", "DRAWINGS"])
def test_only_listed_runtime_files_are_served(name):
    icons = load_runtime().icons
    name = name.replace("ICONS/", icons["dir"]).replace("DRAWINGS", icons["drawings"])
    assert Client().get(f"/preview/assets/{name}").status_code == 404


def test_lucide_icons_come_as_modules_of_just_the_icons_asked_for():
    runtime = load_runtime()
    icons = runtime.icons
    imports = runtime.import_map()["imports"]
    assert imports["lucide-react/icons/"] == f"/preview/assets/{icons['dir']}"
    assert icons["dir"].endswith("/") and icons["deps"] == ["lucide-react-core"]
    assert len(runtime.icon_drawings()) > 1500
    # Those modules, the whole module and the core share one createLucideIcon (and React).
    assert runtime.modules["lucide-react"]["deps"] == ["lucide-react-core"]
    assert runtime.modules["lucide-react-core"]["deps"] == ["react"]
    response = Client().get(f"/preview/assets/{icons['dir']}camera,square-pen.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "immutable" in response["Cache-Control"]
    module = response.content.decode()
    assert module.startswith('import createLucideIcon from "lucide-react/core";')
    assert 'createLucideIcon("camera", [["path",{"d":"M13.997' in module
    assert module.endswith("export { i0, i1 };\n")
    assert len(module) < 2000
    # Nothing to tell people about: they import lucide-react.
    assert not [s for s in runtime.available_specifiers() if s.startswith("lucide-react/")]


@pytest.mark.parametrize(("name", "file"), [
    ("Camera", "camera"), ("CameraIcon", "camera"), ("LucideCamera", "camera"),
    ("Edit", "square-pen"), ("EditIcon", "square-pen"), ("AlertCircle", "circle-alert"),
    ("Loader2", "loader-circle"), ("Github", "github"), ("ArrowDown01", "arrow-down-0-1"),
    ("NotAnIcon", None), ("createLucideIcon", None), ("Icon", None), ("icons", None),
    ("LucideIcon", None), ("LucideCameraIcon", None),
])
def test_icon_names_are_lucides_exports(name, file):
    assert icon_file(load_runtime(), name) == file


def test_one_react_for_all_modules():
    """Every module imports React through the import map instead of bundling its own copy."""
    runtime = load_runtime()
    for name, module in runtime.modules.items():
        text = runtime.read(module["file"]).decode()
        if name != "react":
            internals = "__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE="
            assert internals not in text.replace(" ", ""), name
    assert "react" in runtime.modules["recharts"]["deps"]
    assert "react" in runtime.modules["react-dom-client"]["deps"]
    assert "three" in runtime.modules["three-orbit-controls"]["deps"]


def test_pinned_versions(settings):
    versions = load_runtime().versions
    assert versions["lucide-react"] == "0.577.0"  # the last 0.x: brand icons, legacy names
    assert versions["recharts"].startswith("2.")
    assert versions["react"] == versions["react-dom"] == versions["react-is"]


# --- config and export ----------------------------------------------------------------------------


def test_config_names_the_frame_on_the_other_site(settings):
    settings.CANVAS_PREVIEW_ORIGIN = ""
    data = Client().get("/preview/config", HTTP_HOST="localhost:8123").json()
    assert data["frame"] == "http://127.0.0.1:8123/preview/frame"
    assert data["sandbox"] == "allow-scripts allow-forms allow-downloads"
    assert "recharts" in data["modules"] and "button" in data["ui"]


def test_imports_are_found_for_the_export():
    code = """import React, { useState } from "react";
import * as d3 from "d3";
import {
  Github,
} from "lucide-react";
import "./App.css";
const label = "import x from 'not-a-module'";
const three = await import("three");
"""
    assert imported_specifiers(code) == {"react", "d3", "lucide-react", "./App.css", "three"}


def test_standalone_export_inlines_only_what_the_code_imports():
    code = 'import { LineChart } from "recharts";\nexport default () => <LineChart />;\n'
    html = build_standalone(code, "jsx", "Chart </title><script>alert(1)</script>")
    import_map = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    imports = json.loads(import_map)["imports"]
    assert {"react", "react-dom/client", "recharts", "clsx", "canvas-runtime/boot"} <= set(imports)
    assert "three" not in imports and "lucide-react" not in imports
    assert all(url.startswith("data:text/javascript;base64,") for url in imports.values())
    assert "<title>Chart &lt;/title&gt;&lt;script&gt;" in html  # the title is escaped
    source = re.search(r'id="canvas-source"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "LineChart" in base64.b64decode(source).decode()


@pytest.mark.parametrize(("code", "files", "whole"), [
    ('import { Camera, Star as S } from "lucide-react";\n', {"camera", "star"}, False),
    ('"use client";\n// icons\nimport {\n  Edit,\n  type LucideProps,\n} from \'lucide-react\'\n',
     {"square-pen"}, False),
    ('import type { LucideIcon } from "lucide-react";\nimport { XIcon } from "lucide-react";\n',
     {"x"}, False),
    ('import * as Icons from "lucide-react";\n', set(), True),
    ('import { Camra } from "lucide-react";\n', set(), True),
    ('import { createLucideIcon } from "lucide-react";\n', set(), True),
    # Not in the import prologue: the frame does not rewrite it, so all of lucide-react goes in.
    ('const a = 1;\nimport { Camera } from "lucide-react";\n', set(), True),
    ('import { Camera } from "lucide-react";\nconst m = await import("lucide-react");\n',
     {"camera"}, True),
    ('import React from "react";\n', set(), False),
])
def test_export_finds_the_icons_the_frame_loads_alone(code, files, whole):
    assert icon_imports(load_runtime(), code) == (files, whole)


def test_standalone_export_inlines_only_the_icons_the_code_names():
    code = 'import { Camera, Edit } from "lucide-react";\nexport default () => <Camera />;\n'
    html = build_standalone(code, "jsx", "Icons")
    import_map = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    imports = json.loads(import_map)["imports"]
    assert {"lucide-react/core", "lucide-react/icons/camera.js",
            "lucide-react/icons/square-pen.js", "react"} <= set(imports)
    assert "lucide-react" not in imports and "lucide-react/icons/" not in imports

    whole = build_standalone('import * as I from "lucide-react";\n' + code, "jsx", "Icons")
    imports = json.loads(re.search(r'<script type="importmap">(.*?)</script>', whole,
                                   re.S).group(1))["imports"]
    assert {"lucide-react", "lucide-react/core", "lucide-react/icons/camera.js"} <= set(imports)
    assert len(whole) - len(html) > 900_000  # the whole module, as base64


@pytest.mark.django_db
def test_export_view_needs_a_login_and_answers_an_attachment(make_user):
    client = Client()
    data = {"code": "export default () => <p>hi</p>;", "language": "jsx", "title": "My app"}
    assert client.post("/preview/export", data).status_code == 302  # to the login page
    client.force_login(make_user("exporter"))
    response = client.post("/preview/export", data)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="My-app.html"'
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert client.post("/preview/export", {**data, "language": "python"}).status_code == 400
