"""The sandboxed live preview of code canvases (ARCHITECTURE.md §6).

The page of a code canvas embeds ``/preview/frame`` from a different *site* than the app, so that
generated code runs in its own browser process and cannot freeze the editor; the frame's response
carries a CSP with ``sandbox`` so that it stays sandboxed even when opened directly. The runtime it
loads (React, the libraries, sucrase, Tailwind) is built from npm by
``frontend/preview-runtime`` into ``static/preview/`` and served by :mod:`canvas.preview.views`.
"""
