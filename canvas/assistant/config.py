"""Reaching the model: OpenAI or any OpenAI-compatible server (vLLM, Ollama, llama.cpp)."""

from __future__ import annotations

from django.conf import settings
from openai import OpenAI

NOT_CONFIGURED = ("No model is connected. Set OPENAI_API_KEY (for OpenAI) or "
                  "OPENAI_BASE_URL (for an OpenAI-compatible server such as vLLM, Ollama or "
                  "llama.cpp), and CANVAS_MODEL, then restart Canvas.")


def is_configured() -> bool:
    return bool(settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


def model_name() -> str:
    return settings.CANVAS_MODEL


def client() -> OpenAI:
    # The SDK retries 429 and 5xx answers with backoff and honours Retry-After.
    return OpenAI(api_key=settings.OPENAI_API_KEY or "not-needed",
                  base_url=settings.OPENAI_BASE_URL or None,
                  timeout=settings.CANVAS_MODEL_TIMEOUT,
                  max_retries=settings.CANVAS_MODEL_RETRIES)
