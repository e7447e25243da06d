"""Byline settings: everything is read from the environment here (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from byline.settings.env import env_bool, env_choice, env_int, env_list, env_str, env_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent

# --- Data folder: the SQLite database, uploaded media and the generated secret key live here.
DATA_DIR = Path(env_str("BYLINE_DATA_DIR", str(PROJECT_DIR / "data"))).expanduser().resolve()


def _secret_key() -> str:
    """The key from BYLINE_SECRET_KEY, or one generated once and kept in the data folder."""
    from_env = env_str("BYLINE_SECRET_KEY", "")
    if from_env:
        if len(from_env) < 32:
            raise ImproperlyConfigured("BYLINE_SECRET_KEY must be at least 32 characters long.")
        return from_env
    key_file = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(50))
        return key_file.read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"BYLINE_DATA_DIR ({DATA_DIR}) must be a writable folder: {error.strerror}."
        ) from None


SECRET_KEY = _secret_key()
DEBUG = env_bool("BYLINE_DEBUG", False)

# --- Web server: granian, started with one command line by `byline run` and `byline serve`
# (byline/core/management/commands/run.py); why these limits, in docs/deploy.md "Connections".
SERVER_HOST = env_str("BYLINE_HOST", "127.0.0.1")
SERVER_PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
SERVER_WORKERS = env_int("BYLINE_WORKERS", 2, minimum=1, maximum=64)
SERVER_THREADS = env_int("BYLINE_THREADS", 4, minimum=1, maximum=64)
# Open connections one worker holds at once, idle keep-alive ones included (0: derived from the
# open-file limit, at most SERVER_DEFAULT_MAX_CONNECTIONS).
SERVER_MAX_CONNECTIONS = env_int("BYLINE_MAX_CONNECTIONS", 0, minimum=0, maximum=1_000_000)
SERVER_DEFAULT_MAX_CONNECTIONS = 1024
# Seconds a connection may take to send a request's headers, counted from when it opens or its
# previous response ends: it also bounds how long an idle keep-alive connection stays open.
SERVER_HEADER_TIMEOUT = env_int("BYLINE_HEADER_TIMEOUT", 10, minimum=1, maximum=60)
# Request line plus headers; larger requests get 431 (granian's floor is 8 KB).
SERVER_MAX_HEADER_BYTES = env_int(
    "BYLINE_MAX_HEADER_BYTES", 16 * 1024, minimum=8 * 1024, maximum=1024 * 1024
)
SERVER_BACKLOG = env_int("BYLINE_BACKLOG", 1024, minimum=128, maximum=65535)
if env_str("BYLINE_BACKPRESSURE", ""):
    raise ImproperlyConfigured(
        "BYLINE_BACKPRESSURE is not a setting: the connections a worker holds are set by "
        "BYLINE_MAX_CONNECTIONS (see docs/configuration.md)."
    )


def _local_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the server at, from the bind address."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


SERVER_URL = _local_url(SERVER_HOST, SERVER_PORT)
_default_hosts = ["127.0.0.1", "localhost", "[::1]"]
if (_bound := urlsplit(SERVER_URL).netloc.rsplit(":", 1)[0]) not in _default_hosts:
    _default_hosts.append(_bound)  # a server bound to one address answers to it
ALLOWED_HOSTS = env_list("BYLINE_ALLOWED_HOSTS", _default_hosts)
CSRF_TRUSTED_ORIGINS = env_list("BYLINE_CSRF_TRUSTED_ORIGINS", [])
# Absolute base URL used in feeds, e-mails and canonical links (never the request's Host header);
# by default the address `byline run` serves at.
SITE_URL = env_url("BYLINE_SITE_URL", SERVER_URL, schemes=("http", "https")).rstrip("/")

# --- Site identity (footer, titles, social links).
SITE_NAME = env_str("BYLINE_SITE_NAME", "Byline")
SITE_TAGLINE = env_str("BYLINE_SITE_TAGLINE", "Stories worth reading, from people worth following.")
FOOTER_OWNER = env_str("BYLINE_FOOTER_OWNER", "The Byline contributors")
SOCIAL_LINKS = {
    name: env_url(f"BYLINE_SOCIAL_{name.upper()}", "", schemes=("http", "https"))
    for name in ("mastodon", "bluesky", "instagram", "facebook", "x", "youtube")
}
CONTACT_EMAIL = env_str("BYLINE_CONTACT_EMAIL", "hello@example.org")
# "on": submitted stories wait for a moderator; "off": submitting publishes at once.
REVIEW = env_choice("BYLINE_REVIEW", "on", ("on", "off")) == "on"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    # Records each signed-in session, so a password change can end the others, and lists them
    # for the account holder (/accounts/sessions/).
    "allauth.usersessions",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "byline.core",
    "byline.accounts",
    "byline.communities",
    "byline.stories",
    "byline.insights",
    "byline.comments",
    "byline.social",
    "byline.moderation",
    "byline.discovery",
    "byline.search",
    "byline.portability",
    "byline.stats",
    "byline.api",
    "byline.ops",
]

MIDDLEWARE = [
    # Outermost: sees every request and the final status, including the 503 of a database outage.
    "byline.core.middleware.RequestLogMiddleware",
    "byline.core.middleware.PrimaryPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or query: text no database can store gets a 400 page.
    "byline.core.middleware.StorableInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: turns a lost state change (Conflict) into a 409 page.
    "byline.core.middleware.ConflictMiddleware",
]

ROOT_URLCONF = "byline.urls"
WSGI_APPLICATION = "byline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "byline.core.context_processors.site",
            ],
        },
    },
]

# --- Database: embedded SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
_default_db = f"sqlite:///{DATA_DIR / 'byline.sqlite3'}"
_database_url = env_url("DATABASE_URL", _default_db, schemes=("sqlite", "postgres", "postgresql"))
DATABASES = {"default": dj_database_url.parse(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at BEGIN
        # so concurrent writers queue on busy_timeout instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=10000;"
            # 8 MB of page cache per connection (one per server thread): reads come through the
            # memory map anyway, and 32 MB each took a worker past 120 MB at 1M stories.
            "PRAGMA cache_size=-8000;"
            "PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
else:
    # PostgreSQL. Default: one persistent connection per server thread, checked before reuse so
    # the site reconnects by itself after a database restart (see docs/deploy.md). With
    # BYLINE_DB_POOL=on, psycopg's pool is shared by the threads of a process instead (Django
    # requires CONN_MAX_AGE=0 then; the pool checks connections itself).
    _pg_options = {
        # Fail fast when the server is unreachable: visitors get the 503 page, not a hang.
        "connect_timeout": env_int("BYLINE_DB_CONNECT_TIMEOUT", 5, minimum=1),
        "application_name": "byline",
    }
    if env_bool("BYLINE_DB_POOL", False):
        # Django passes the pool a connection check when CONN_HEALTH_CHECKS is on (below).
        _pg_options["pool"] = {
            "min_size": env_int("BYLINE_DB_POOL_MIN", 2, minimum=0),
            "max_size": env_int("BYLINE_DB_POOL_MAX", 10, minimum=1),
            "timeout": env_int("BYLINE_DB_CONNECT_TIMEOUT", 5, minimum=1),
        }
        _conn_max_age = 0
    else:
        _conn_max_age = env_int("BYLINE_DB_CONN_MAX_AGE", 600, minimum=0)

    def _postgres(url: str) -> dict:
        config = dj_database_url.parse(url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_REPLICA_URLS must be postgres:// URLs.")
        config["OPTIONS"] = {**config.get("OPTIONS", {}), **_pg_options}
        config["CONN_MAX_AGE"] = _conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
        return config

    DATABASES["default"] = _postgres(_database_url)
    # Read replicas: reads go to a replica, except for a client that has just written (the
    # router pins it to the primary for BYLINE_REPLICA_PIN_SECONDS; see byline/core/db.py).
    for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
        env_url("DATABASE_REPLICA_URLS", _url, schemes=("postgres", "postgresql"))
        DATABASES[f"replica{_number}"] = {**_postgres(_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["byline.core.db.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("BYLINE_REPLICA_PIN_SECONDS", 10, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions: Redis when REDIS_URL is set, otherwise process memory + database.
# Everything that counts or throttles (allauth's rate limits, view counters, our own limits)
# goes through Django's cache API, so it lands in Redis on the scale path. The Redis cache
# degrades while Redis is unreachable instead of failing requests (byline/core/cache.py).
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "byline.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("BYLINE_CACHE_PREFIX", "byline"),
            # Short socket timeouts: a dead Redis makes /readyz answer 503 quickly, not hang.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "byline",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work: Django's tasks API (django-tasks backport). In-process by default (after
# the response when enqueued during a request, byline/core/taskbackends.py);
# BYLINE_TASKS=rq puts tasks on Redis for `byline worker` (rq), BYLINE_TASKS=database puts them
# in the database for `byline worker` (django-tasks-db), for one machine without Redis.
TASKS_BACKEND = env_choice("BYLINE_TASKS", "immediate", ("immediate", "database", "rq"))
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("BYLINE_TASKS=rq needs REDIS_URL to be set.")
TASK_QUEUES = ["default"]
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "byline.core.taskbackends.AfterResponseImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[TASKS_BACKEND],
        "QUEUES": TASK_QUEUES,
    }
}
if REDIS_URL:
    # Installed whenever Redis is configured, so the queue can be inspected (and tested) even
    # while tasks still run in-process.
    INSTALLED_APPS.append("django_rq")
    # Short socket timeouts, as for the cache: while Redis is unreachable, handing a task to the
    # queue fails within seconds and the task waits in the outbox (byline/core/outbox.py)
    # instead of holding a request. rq raises the read timeout itself for its blocking reads.
    _rq_url = REDIS_URL + ("&" if "?" in REDIS_URL else "?")
    _rq_url += "socket_connect_timeout=2&socket_timeout=5"
    RQ_QUEUES = {
        name: {"URL": _rq_url, "DEFAULT_TIMEOUT": env_int("BYLINE_TASK_TIMEOUT", 600, minimum=1)}
        for name in TASK_QUEUES
    }

# --- Accounts.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "BYLINE_EMAIL_VERIFICATION", "mandatory", ("mandatory", "optional", "none")
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USERNAME_MIN_LENGTH = 2
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail: console by default, SMTP when BYLINE_EMAIL_HOST is set.
EMAIL_HOST = env_str("BYLINE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("BYLINE_EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("BYLINE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("BYLINE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("BYLINE_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("BYLINE_EMAIL_FROM", f"{SITE_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation.
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("BYLINE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "byline.core.storage.MediaFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

# --- Media storage: the data folder by default; any S3-compatible object store (AWS S3, MinIO,
# Garage, Cloudflare R2, Backblaze B2...) through django-storages when a bucket is named.
MEDIA_S3_BUCKET = env_str("BYLINE_MEDIA_S3_BUCKET", "")
MEDIA_ORIGINS: list[str] = []  # where images are served from besides 'self' (CSP img-src)
if MEDIA_S3_BUCKET:
    _s3_domain = env_str("BYLINE_MEDIA_S3_CUSTOM_DOMAIN", "")
    _s3_endpoint = env_url("BYLINE_MEDIA_S3_ENDPOINT_URL", "", schemes=("http", "https"))
    if _s3_domain:
        MEDIA_ORIGINS = [f"https://{_s3_domain}"]
    elif _s3_endpoint:
        _parts = urlsplit(_s3_endpoint)
        # Path-style (endpoint/bucket/key) and virtual-host style (bucket.endpoint/key) URLs.
        MEDIA_ORIGINS = [
            f"{_parts.scheme}://{_parts.netloc}",
            f"{_parts.scheme}://{MEDIA_S3_BUCKET}.{_parts.netloc}",
        ]
    else:
        MEDIA_ORIGINS = ["https://*.amazonaws.com"]
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _s3_endpoint or None,
            "region_name": env_str("BYLINE_MEDIA_S3_REGION", "") or None,
            # Without keys, boto3 finds credentials itself (instance role, ~/.aws, AWS_* vars).
            "access_key": env_str("BYLINE_MEDIA_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("BYLINE_MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("BYLINE_MEDIA_S3_PREFIX", "media").strip("/"),
            # Public, immutable URLs (file names are chosen by us and never reused), served by
            # the bucket's public endpoint or the CDN named in _CUSTOM_DOMAIN.
            "custom_domain": _s3_domain or None,
            "querystring_auth": env_bool("BYLINE_MEDIA_S3_SIGNED_URLS", False),
            "default_acl": env_str("BYLINE_MEDIA_S3_ACL", "") or None,
            "file_overwrite": False,
            "addressing_style": env_choice(
                "BYLINE_MEDIA_S3_ADDRESSING", "auto", ("auto", "path", "virtual")
            ),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# Local media can be served from a host of their own (a separate origin such as
# https://media.example.org/, e.g. nginx on the data folder): then image URLs point there, the
# CSP allows images from it, and Django serves no /media/ itself. With a bucket, use
# BYLINE_MEDIA_S3_CUSTOM_DOMAIN instead.
MEDIA_URL = env_str("BYLINE_MEDIA_URL", "/media/")
if not MEDIA_URL.endswith("/") or not MEDIA_URL.startswith(("/", "https://", "http://")):
    raise ImproperlyConfigured(
        "BYLINE_MEDIA_URL must be a path or an http(s) URL ending with a slash, e.g. "
        f"https://media.example.org/; got {MEDIA_URL!r}."
    )
if not MEDIA_URL.startswith("/") and not MEDIA_S3_BUCKET:
    _parts = urlsplit(MEDIA_URL)
    MEDIA_ORIGINS = [f"{_parts.scheme}://{_parts.netloc}"]

# --- Limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMAGE_MAX_BYTES = env_int("BYLINE_IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
IMAGE_MAX_PIXELS = env_int("BYLINE_IMAGE_MAX_PIXELS", 40_000_000, minimum=10_000)
PAGE_SIZE = 12

# --- Security headers (also sent by any fast path that answers before Django).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("BYLINE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
# Both commit every subdomain of the site's domain to HTTPS in browsers, for as long as the
# max-age: the operator's decision for the whole domain, so off until asked for.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BYLINE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("BYLINE_HSTS_PRELOAD", False)
if SECURE_HSTS_PRELOAD and not (SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_SECONDS >= 31536000):
    raise ImproperlyConfigured(
        "BYLINE_HSTS_PRELOAD needs BYLINE_HSTS_INCLUDE_SUBDOMAINS=on and BYLINE_HSTS_SECONDS of "
        "at least 31536000 (the browsers' preload list accepts nothing less)."
    )
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BYLINE_BEHIND_PROXY", False) else None
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Media in an S3-compatible bucket are images from another origin (see "Media storage").
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += MEDIA_ORIGINS

# --- Logs: one JSON object per line (production default) or readable text (default with DEBUG).
# byline.request gets one line per request from byline.core.middleware.RequestLogMiddleware.
LOG_FORMAT = env_choice("BYLINE_LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "byline.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("BYLINE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # The request middleware already logs every request once; granian/django.server would
        # only repeat it.
        "django.server": {"level": "WARNING"},
        # One line per task run is noise on a console; failures still log at ERROR.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Performance: full-page cache for anonymous story pages, answered before Django by
# byline.core.fastpath (wrapped around the WSGI application), and buffered page-view counting.
MIDDLEWARE.insert(0, "byline.core.pagecache.PageCacheMiddleware")  # first: sees final headers
PAGE_CACHE = env_bool("BYLINE_PAGE_CACHE", True)
PAGE_CACHE_TTL = env_int("BYLINE_PAGE_CACHE_TTL", 3600, minimum=1)
PAGE_CACHE_MB = env_int("BYLINE_PAGE_CACHE_MB", 32, minimum=1)
PAGE_CACHE_CHECK_SECONDS = env_int("BYLINE_PAGE_CACHE_CHECK_SECONDS", 1, minimum=0)
PAGE_MAX_AGE = env_int("BYLINE_PAGE_MAX_AGE", 60, minimum=0)
VIEW_PUSH_SECONDS = env_int("BYLINE_VIEW_PUSH_SECONDS", 1, minimum=0)
VIEW_FLUSH_SECONDS = env_int("BYLINE_VIEW_FLUSH_SECONDS", 60, minimum=1)
# The read beacon (byline.stats.reads): reads counted per minute from one client address.
READS_PER_MINUTE = env_int("BYLINE_READS_PER_MINUTE", 60, minimum=1)
# --- Accounts and images (byline.accounts, byline.core.images): sign-up rules, throttling,
# e-mail links built from BYLINE_SITE_URL, re-authentication before sensitive changes.
ACCOUNT_ADAPTER = "byline.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "byline.accounts.forms.LoginForm",
    "signup": "byline.accounts.forms.SignupForm",
    "reset_password": "byline.accounts.forms.ResetPasswordForm",
}
# Security notices by e-mail: password changed or reset, address changed (to the old address),
# address removed. Each notice says where the change came from.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one replaces it once verified
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Sensitive changes need the password itself, not a code mailed to a possibly lost mailbox.
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Rates are "count/period/scope" (allauth); a short window slows a burst down, a long one then
# refuses the address for a while. Kept in the cache: Redis when REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env_str("BYLINE_LOGIN_FAILED_RATE", "5/m/ip,20/h/ip,5/5m/key"),
    "signup": env_str("BYLINE_SIGNUP_RATE", "3/m/ip,10/h/ip"),
    "reset_password": "5/m/ip,20/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# How many reverse proxies add themselves to X-Forwarded-For (for the client address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int(
    "BYLINE_TRUSTED_PROXY_COUNT", 1 if SECURE_PROXY_SSL_HEADER else 0, minimum=0, maximum=5
)
IMAGE_MAX_FRAMES = env_int("BYLINE_IMAGE_MAX_FRAMES", 300, minimum=1)
# --- Writing: spam brakes for new accounts and editor uploads.
# Accounts younger than NEW_ACCOUNT_DAYS may start at most NEW_ACCOUNT_DRAFTS_PER_HOUR stories.
NEW_ACCOUNT_DAYS = env_int("BYLINE_NEW_ACCOUNT_DAYS", 7, minimum=0)
NEW_ACCOUNT_DRAFTS_PER_HOUR = env_int("BYLINE_NEW_ACCOUNT_DRAFTS_PER_HOUR", 5, minimum=1)
# Images uploaded from the editor into story bodies, per person per hour.
INLINE_IMAGES_PER_HOUR = env_int("BYLINE_INLINE_IMAGES_PER_HOUR", 30, minimum=1)
# Bytes of editor images one account may keep, in MB (0: no limit), and how many days an editor
# image nothing refers to is kept before the hourly clean-up deletes it.
MEDIA_QUOTA_MB = env_int("BYLINE_MEDIA_QUOTA_MB", 1024, minimum=0)
MEDIA_UNUSED_DAYS = env_int("BYLINE_MEDIA_UNUSED_DAYS", 7, minimum=1)
# How often the editor autosaves a draft while the author types (milliseconds).
AUTOSAVE_INTERVAL_MS = env_int("BYLINE_AUTOSAVE_INTERVAL_MS", 4000, minimum=1000)
# --- Engagement: comment throttle for new accounts, page sizes.
# An account younger than COMMENT_NEW_ACCOUNT_HOURS may post at most COMMENT_NEW_ACCOUNT_LIMIT
# comments per COMMENT_NEW_ACCOUNT_WINDOW_MINUTES.
COMMENT_NEW_ACCOUNT_HOURS = env_int("BYLINE_COMMENT_NEW_ACCOUNT_HOURS", 24, minimum=0)
COMMENT_NEW_ACCOUNT_LIMIT = env_int("BYLINE_COMMENT_NEW_ACCOUNT_LIMIT", 5, minimum=1)
COMMENT_NEW_ACCOUNT_WINDOW_MINUTES = env_int(
    "BYLINE_COMMENT_NEW_ACCOUNT_WINDOW_MINUTES", 10, minimum=1
)
# Every account: at most COMMENT_RATE_PER_MINUTE comments in any minute, and the same text (case
# and spacing aside) at most once per COMMENT_DUPLICATE_MINUTES.
COMMENT_RATE_PER_MINUTE = env_int("BYLINE_COMMENT_RATE_PER_MINUTE", 6, minimum=1)
COMMENT_DUPLICATE_MINUTES = env_int("BYLINE_COMMENT_DUPLICATE_MINUTES", 5, minimum=0)
COMMENTS_PAGE_SIZE = 20  # top-level comments per page on a story
# --- Discovery (feeds, search, trending).
# "summary": feeds carry the subtitle and the first words; "full": the whole story as HTML.
FEED_CONTENT = env_choice("BYLINE_FEED_CONTENT", "summary", ("summary", "full"))
# Trending scores are recomputed at most this often (seconds), triggered by the pages that show
# them, or by `byline trending` from cron.
TRENDING_INTERVAL = env_int("BYLINE_TRENDING_INTERVAL", 300, minimum=10)
# --- API and portability (byline.api): /api/v1/, personal access tokens, import and export.
INSTALLED_APPS.append("ninja")  # serves the API docs page's own JS and CSS (no CDN, CSP 'self')
# Requests per minute, per client address and per token (or signed-in account).
API_RATE_PER_ADDRESS = env_int("BYLINE_API_RATE_PER_ADDRESS", 300, minimum=1)
API_RATE_PER_TOKEN = env_int("BYLINE_API_RATE_PER_TOKEN", 600, minimum=1)
# Largest upload on /settings/import/ (a zip from /settings/export/ or one Markdown file).
IMPORT_MAX_BYTES = env_int("BYLINE_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
COMMENT_REPLIES_SHOWN = 50  # replies under one comment before "View all N replies"
