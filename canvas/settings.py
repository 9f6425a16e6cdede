"""Django settings for Canvas.

Everything comes from the environment, with embedded defaults that run on one laptop:
SQLite in WAL mode, an in-memory channel layer and Celery tasks run in-process.
Setting ``REDIS_URL`` switches to channels-redis and a real Celery broker.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """A dev key generated once and kept in a git-ignored file, so sessions survive restarts."""
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key + "\n")
        path.chmod(0o600)
        return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "axes",
    "canvas",
    "collab",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "canvas.static_files.StaticFilesMiddleware",  # WhiteNoise, streaming under ASGI
    "canvas.csp.CanvasCSPMiddleware",  # after WhiteNoise: static files need no policy
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Log-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account,
# or from one address, log-ins there are refused for the cool-off time, right password or
# not (100 guesses in 38 s were possible before), on the site and the admin alike.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("CANVAS_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = float(os.environ.get("CANVAS_LOGIN_COOLOFF_MINUTES", 15)) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

ROOT_URLCONF = "canvas.urls"
ASGI_APPLICATION = "canvas.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if not os.environ.get("DATABASE_URL") else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once (the ASGI server, in-process tasks and
    # test processes share the file); IMMEDIATE transactions avoid "database is locked"
    # upgrades from read to write locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, Celery, cache --------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels_redis waits for messages with BZPOPMIN for 5 s; redis-py 8 reads
            # every reply within 5 s by default, so a busy server that answers a little
            # late made the read time out and killed the consumer. Read with a margin.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                       "capacity": 1000, "expiry": 30},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in the calling process (see canvas.tasks.dispatch, which
# moves them off the event loop into a thread).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Auth --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "canvas_list"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over HTTPS (SECURE_COOKIES=1): browsers are told to come back only over HTTPS.
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SESSION_COOKIE_SECURE

# Content-Security-Policy of the app's pages (django-csp; canvas/csp.py adds per request the
# preview origin to frame-src and the ws:/wss: origin of this host to connect-src). The preview
# frame and published pages live on the preview origin and send their own, stricter headers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],  # bundles only: no inline script, no eval (htmx allowEval is off)
        # CodeMirror mounts its themes as <style> elements: they carry the page's nonce
        # (EditorView.cspNonce, read from <meta name="csp-nonce">).
        "style-src": [SELF, NONCE],
        # Style attributes: remote cursors and selections (y-codemirror.next) and rendered
        # Markdown set them. Attributes cannot run script or load anything img-src refuses.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [NONE],  # replaced per request by the preview origin
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # Nothing frames the app (X-Frame-Options says DENY too): no clickjacking of Share.
        "frame-ancestors": [NONE],
    },
}

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only needed for `collectstatic` in production deployments.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# Serve straight from STATICFILES_DIRS so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- The sync engine (collab/): what the app plugs in --------------------------------------
COLLAB_ROOM_MODEL = "canvas.Canvas"  # inherits collab.models.AbstractRoom
COLLAB_AUTHORIZE = "canvas.collab_hooks.authorize"  # (user, room) -> collab.access.Access
# The sync engine's limits (its settings are COLLAB_*; the environment keeps the CANVAS_* names
# the README documents).
COLLAB_MAX_FRAME = int(os.environ.get("CANVAS_MAX_FRAME", 1024 * 1024))
COLLAB_MAX_DOC = int(os.environ.get("CANVAS_MAX_DOC", 5 * 1024 * 1024))
# Sync answers a connection may pull at once, then per second (bytes): a client asking for
# the whole document again and again waits instead of starving everyone else.
COLLAB_SYNC_BURST = int(os.environ.get("CANVAS_SYNC_BURST", 8 * 1024 * 1024))
COLLAB_SYNC_RATE = int(os.environ.get("CANVAS_SYNC_RATE", 1024 * 1024))
# Presence (awareness): bytes per state, client ids per connection, clients per canvas.
COLLAB_PRESENCE_MAX_STATE = int(os.environ.get("CANVAS_PRESENCE_MAX_STATE", 8 * 1024))
COLLAB_PRESENCE_PER_CONNECTION = int(os.environ.get("CANVAS_PRESENCE_PER_CONNECTION", 4))
COLLAB_PRESENCE_MAX_CLIENTS = int(os.environ.get("CANVAS_PRESENCE_MAX_CLIENTS", 200))
# Seconds without edits after which the engine says editing paused (history checkpoints).
COLLAB_CHECKPOINT_PAUSE = float(os.environ.get("CANVAS_CHECKPOINT_PAUSE", 30))
# Seconds without changes after which a replica keeps its document encoded (collab/parked_doc).
COLLAB_PARK_AFTER = float(os.environ.get("CANVAS_PARK_AFTER", 30))

# --- Canvas ---------------------------------------------------------------------------------
# How long an invite link stays valid, in seconds (default: 7 days).
CANVAS_INVITE_MAX_AGE = int(os.environ.get("CANVAS_INVITE_MAX_AGE", 7 * 24 * 3600))
CANVAS_PREVIEW_ORIGIN = os.environ.get("CANVAS_PREVIEW_ORIGIN", "")

OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "")
CANVAS_MODEL = os.environ.get("CANVAS_MODEL", "gpt-4.1")
# Which prompt and tool schemas the assistant uses (canvas.assistant.prompts.VARIANTS);
# `manage.py canvas_eval --prompt-variant` compares them on your model.
CANVAS_PROMPT_VARIANT = os.environ.get("CANVAS_PROMPT_VARIANT", "v1")
# Where `manage.py canvas_eval` writes its reports, and where /evals/ reads them.
CANVAS_EVAL_REPORTS = Path(os.environ.get("CANVAS_EVAL_REPORTS", BASE_DIR / "evals" / "reports"))
# Seconds to wait for the model (per request and between streamed chunks), and how often
# the SDK retries rate limits and server errors.
CANVAS_MODEL_TIMEOUT = float(os.environ.get("CANVAS_MODEL_TIMEOUT", 60))
CANVAS_MODEL_RETRIES = int(os.environ.get("CANVAS_MODEL_RETRIES", 2))
# Seconds one model answer may take in all: a stream that keeps sending never trips the
# timeout above (a 60k-character rewrite streams in about three minutes).
CANVAS_MODEL_DEADLINE = float(os.environ.get("CANVAS_MODEL_DEADLINE", 600))
# A streaming turn whose worker gave no sign of life for this many seconds is marked failed.
CANVAS_TURN_STALE_AFTER = float(os.environ.get("CANVAS_TURN_STALE_AFTER", 45))
# Version checkpoints: after COLLAB_CHECKPOINT_PAUSE without edits, at most one per interval.
CANVAS_CHECKPOINT_INTERVAL = int(os.environ.get("CANVAS_CHECKPOINT_INTERVAL", 60))
# Assistant turns one person may start per minute.
CANVAS_TURNS_PER_MINUTE = int(os.environ.get("CANVAS_TURNS_PER_MINUTE", 8))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "canvas": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "collab": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}
