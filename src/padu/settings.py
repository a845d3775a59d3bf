"""Padu settings: everything that differs between deployments comes from the environment."""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# A source checkout keeps its data beside the code; an installed package uses the working directory.
_CHECKOUT = PACKAGE_DIR.parent.parent
BASE_DIR = Path(
    os.environ.get("PADU_HOME")
    or (_CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path.cwd())
).resolve()
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The region CSVs ship inside the package (regions/data/), so an installed Padu has them too.
DATA_DIR = Path(os.environ.get("PADU_DATA_DIR", PACKAGE_DIR / "regions" / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name from the environment; a name that is no time zone stops the start."""
    value = os.environ.get(name, "").strip() or default
    # "localtime" and "posixrules" load too, but are files of the zoneinfo directory, not zones:
    # the machine's own zone (which this setting exists to make explicit) and a template.
    if value not in ("localtime", "posixrules"):
        try:
            zoneinfo.ZoneInfo(value)
            return value
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a time zone. Use an IANA time zone name: Asia/Jakarta (WIB), "
        "Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
    )


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` from the environment; any other value stops the start."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: use one of {', '.join(choices)}.")
    return value


DEBUG = env_bool("DEBUG")
TESTING = env_bool("PADU_TESTING")

# Development: Django's debug pages, the test suite or the demo (plain HTTP, a built-in key).
DEVELOPMENT = DEBUG or TESTING or env_bool("PADU_DEMO")
DEVELOPMENT_SECRET_KEY = "padu-insecure-development-key-never-use-in-production"  # noqa: S105

# Without a SECRET_KEY outside development Django refuses whatever needs one (sessions, signing),
# and `padu serve` refuses to start, saying why in the office's language (core/deployment.py);
# commands that need no key (migrate, backup, createadmin) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (DEVELOPMENT_SECRET_KEY if DEVELOPMENT else "")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEVELOPMENT else "").split(
        ","
    )
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups for name search; harmless on SQLite
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "padu.core",
    "padu.regions",
    "padu.accounts",
    "padu.registry",
    "padu.welfare",
    "padu.updates",
    "padu.notifications",
    "padu.periods",
    "padu.programs",
    "padu.portal",
    "padu.synth",
    "padu.dci",
    "padu.api",
    "padu.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "padu.core.http.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "padu.accounts.middleware.IdleSessionMiddleware",
    "padu.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "padu.core.htmx.VaryOnHtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's empty 405 first and has request.user for the layout.
    "padu.core.http.ErrorPageMiddleware",
]

ROOT_URLCONF = "padu.urls"
WSGI_APPLICATION = "padu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "padu.web.context_processors.padu",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'padu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while pages read; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: a page's queries run in milliseconds, and compiling them cost up to half a second
    # when the planner's estimate crossed jit_above_cost (a name search with 30,000 matches).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five wrong passwords for one username lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PADU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PADU_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Offices and field workers sit behind shared NAT addresses: locking by IP would lock out a whole
# kecamatan office because of one mistyped password, so lockout is per username.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after 30 idle minutes (accounts.middleware.IdleSessionMiddleware pushes the expiry
# forward while the session is in use) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PADU_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "padu_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# Indonesia has three time zones (WIB, WITA, WIT): "today", a date shown, a day in a filter, a
# month in a file path or a date in a file name are the office's own (Django's current time zone);
# the database keeps UTC.
TIME_ZONE = env_time_zone("PADU_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["padu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT

# Uploads larger than this go to a temporary file instead of memory; imports have their own limit.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PADU_IMPORT_MAX_BYTES = int(os.environ.get("PADU_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# An XLSX is read whole (calamine, registry/importer/xlsx.py): these limits keep any file they
# allow, and the import with it, under 1.5 GB of memory. A file over one is refused with a message
# that names the limit and what to do (usually: save it as CSV UTF-8, which is streamed).
PADU_IMPORT_XLSX_MAX_UNPACKED_BYTES = int(
    os.environ.get("PADU_IMPORT_XLSX_MAX_UNPACKED_BYTES", str(500 * 1024 * 1024))
)
PADU_IMPORT_XLSX_MAX_ROWS = int(os.environ.get("PADU_IMPORT_XLSX_MAX_ROWS", "250000"))
PADU_IMPORT_XLSX_MAX_COLUMNS = int(os.environ.get("PADU_IMPORT_XLSX_MAX_COLUMNS", "64"))
PADU_IMPORT_XLSX_MAX_CELL_CHARS = int(os.environ.get("PADU_IMPORT_XLSX_MAX_CELL_CHARS", "1000"))
# A running import marks its batch alive every PADU_IMPORT_HEARTBEAT_SECONDS; one silent for
# PADU_IMPORT_STALE_MINUTES (its process was killed, the server restarted) is shown as interrupted
# and may be run again (registry.importer.services.imports_interrupt_stale).
PADU_IMPORT_HEARTBEAT_SECONDS = int(os.environ.get("PADU_IMPORT_HEARTBEAT_SECONDS", "30"))
PADU_IMPORT_STALE_MINUTES = int(os.environ.get("PADU_IMPORT_STALE_MINUTES", "10"))
# A file from another source, uploaded on the import's mapping page and never confirmed, is
# removed from the server once it is this many hours old (registry/importer/uploads.py).
PADU_IMPORT_UPLOAD_ABANDON_HOURS = int(os.environ.get("PADU_IMPORT_UPLOAD_ABANDON_HOURS", "24"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PADU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security headers. HTTPS-only cookies and HSTS unless explicitly running without TLS (demo, tests).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PADU_HTTPS = env_bool("PADU_HTTPS", default=not DEVELOPMENT)
SESSION_COOKIE_SECURE = PADU_HTTPS
CSRF_COOKIE_SECURE = PADU_HTTPS
CSRF_FAILURE_VIEW = "padu.core.http.csrf_failure"
LANGUAGE_COOKIE_SECURE = PADU_HTTPS
SECURE_SSL_REDIRECT = PADU_HTTPS and env_bool("PADU_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PADU_HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if PADU_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PADU_HTTPS

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "padu.core.logs.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# How long the access log keeps its rows (UU 27/2022: no longer than needed); `padu accesslog
# prune` removes older ones (deploy/ runs it daily).
PADU_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("PADU_ACCESS_LOG_RETENTION_DAYS", "730"))

# "Already registered" answers for numbers outside a user's area in one hour before the user is
# stopped for the rest of it and reported (registry.services.identity).
PADU_REGISTERED_ANSWERS_PER_HOUR = int(os.environ.get("PADU_REGISTERED_ANSWERS_PER_HOUR", "10"))

# The deployment's own region: the root of the tree the office serves (Kota Padang by default).
PADU_ROOT_REGION = os.environ.get("PADU_ROOT_REGION", "13.71")
PADU_OFFICE_NAME = os.environ.get("PADU_OFFICE_NAME", "Dinas Sosial Kota Padang")
# The letterhead of the office's documents (core/documents.py: Berita Acara, decrees): the
# government above the office's name, and the address line under it.
PADU_OFFICE_GOVERNMENT = os.environ.get("PADU_OFFICE_GOVERNMENT", "Pemerintah Kota Padang")
PADU_OFFICE_ADDRESS = os.environ.get("PADU_OFFICE_ADDRESS", "")
# The level of two checks of a well-formed NIK or KK (registry.identifiers): a kab/kota or
# kecamatan code missing from the national region list, and a KK whose digits 7–12 are no date.
# "warning" (shown, the user confirms), "error" (refused) or "off".
PADU_IDENTIFIER_REGION_CHECK = env_choice(
    "PADU_IDENTIFIER_REGION_CHECK", "warning", ("warning", "error", "off")
)
PADU_KK_DATE_CHECK = env_choice("PADU_KK_DATE_CHECK", "warning", ("warning", "error", "off"))
# Name search (registry.selectors.search; pg_trgm on PostgreSQL, registry.trigrams on SQLite): the
# trigram similarity (0–1) a name must reach to be found, for a query of several words (whole name)
# and of one word (any word of the name); lower finds more, and less alike, names.
PADU_NAME_SEARCH_THRESHOLD = float(os.environ.get("PADU_NAME_SEARCH_THRESHOLD", "0.5"))
PADU_NAME_SEARCH_WORD_THRESHOLD = float(os.environ.get("PADU_NAME_SEARCH_WORD_THRESHOLD", "0.6"))
# At most this many distinct names (search keys) are taken for one query, the most alike first.
PADU_NAME_SEARCH_MAX_KEYS = int(os.environ.get("PADU_NAME_SEARCH_MAX_KEYS", "5000"))
# The DCI Social Registry API (padu/dci): who Padu is in its messages (header.sender_id), the
# origins (scheme://host[:port]) an asynchronous search's callback may be posted to (the header's
# sender_uri must start with one; none allowed by default), how long a callback may take, and the
# function that posts it (tests record callbacks instead).
PADU_DCI_SENDER_ID = os.environ.get("PADU_DCI_SENDER_ID", "padu")
PADU_DCI_CALLBACK_ORIGINS = [
    o.strip() for o in os.environ.get("PADU_DCI_CALLBACK_ORIGINS", "").split(",") if o.strip()
]
PADU_DCI_CALLBACK_TIMEOUT_SECONDS = int(os.environ.get("PADU_DCI_CALLBACK_TIMEOUT_SECONDS", "15"))
PADU_DCI_CALLBACK_SENDER = "padu.dci.callbacks.post_json"
# How long a DCI transaction (what `registry/txn/status` reports: per search its status and the
# number of records found, no records) is kept; `padu dci prune` removes older ones (deploy/
# runs it daily with the access log's pruning).
PADU_DCI_TRANSACTION_RETENTION_DAYS = int(
    os.environ.get("PADU_DCI_TRANSACTION_RETENTION_DAYS", "90")
)
# The standard's message signatures (padu/dci/signing.py). Padu signs its answers and callbacks
# with PADU_DCI_SIGNING_KEY (base64 of a 32-byte ed25519 private key; `padu dci signing-key` makes
# one) under the key id PADU_DCI_SIGNING_KEY_ID, and publishes the public half at
# /api/dci/v1/.well-known/jwks.json; unset, it signs nothing. A client with a registered key
# (`padu dci key-add`) must sign every request; with PADU_DCI_SIGNATURES_REQUIRED every client must.
PADU_DCI_SIGNING_KEY = os.environ.get("PADU_DCI_SIGNING_KEY", "")
PADU_DCI_SIGNING_KEY_ID = os.environ.get("PADU_DCI_SIGNING_KEY_ID", "1")
PADU_DCI_SIGNATURES_REQUIRED = env_bool("PADU_DCI_SIGNATURES_REQUIRED")

# The national disability codes (`kode,disabilitas,keterangan`: a code of the national data and
# Padu's types it stands for, `;`-separated) that an import reads and an export writes
# (registry/disabilities.py). The list Padu ships is the PBDT 2015 "jenis cacat" list, which
# DOMAIN.md §3.3 does not confirm: an office replaces it with its own file here.
PADU_DISABILITY_NATIONAL_CODES = os.environ.get("PADU_DISABILITY_NATIONAL_CODES", "")

# Evidence of change requests (photos, documents): on disk outside MEDIA_ROOT and never served
# by a URL of its own (updates/models/requests.evidence_storage); a view checks the reader's scope.
PADU_EVIDENCE_ROOT = Path(os.environ.get("PADU_EVIDENCE_ROOT", str(VAR_DIR / "evidence")))
PADU_EVIDENCE_MAX_BYTES = int(os.environ.get("PADU_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))
# The file types evidence may have: content type → the extensions it may carry.
PADU_EVIDENCE_TYPES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
# An objection (sanggah) nobody verified within this many days lapses (DOMAIN.md §2.4: 14 days),
# counted in working days (Monday to Friday, Indonesian public holidays off) when set.
PADU_OBJECTION_LAPSE_DAYS = int(os.environ.get("PADU_OBJECTION_LAPSE_DAYS", "14"))
PADU_OBJECTION_LAPSE_WORKING_DAYS = env_bool("PADU_OBJECTION_LAPSE_WORKING_DAYS", default=False)
# A field verification task is due this many days after it is assigned, counted in working days
# (Monday to Friday, lokal-id's Indonesian public holidays off) when set; a PSM and his TKSK are
# told PADU_VERIFICATION_DUE_SOON_DAYS before (updates/services/verification.py).
PADU_VERIFICATION_DAYS = int(os.environ.get("PADU_VERIFICATION_DAYS", "7"))
PADU_VERIFICATION_WORKING_DAYS = env_bool("PADU_VERIFICATION_WORKING_DAYS", default=False)
PADU_VERIFICATION_DUE_SOON_DAYS = int(os.environ.get("PADU_VERIFICATION_DUE_SOON_DAYS", "2"))

# The public page (padu.portal, /cek/): how many lookups (checks, receipts, proposals, objections)
# one client address and one NIK may make in PADU_PORTAL_WINDOW_MINUTES before the page answers
# 429 until the window has passed. Counted in the lookup log, by keyed hashes of the address and
# the NIK (neither is kept in clear).
PADU_PORTAL_WINDOW_MINUTES = int(os.environ.get("PADU_PORTAL_WINDOW_MINUTES", "60"))
PADU_PORTAL_LOOKUPS_PER_ADDRESS = int(os.environ.get("PADU_PORTAL_LOOKUPS_PER_ADDRESS", "30"))
PADU_PORTAL_LOOKUPS_PER_NIK = int(os.environ.get("PADU_PORTAL_LOOKUPS_PER_NIK", "5"))
# Of those, the proposals (usul) and objections (sanggah) one address may send.
PADU_PORTAL_REQUESTS_PER_ADDRESS = int(os.environ.get("PADU_PORTAL_REQUESTS_PER_ADDRESS", "5"))
# How alike (trigram similarity, 0–1, of the names' search keys: registry.names) the name a
# citizen types must be to the registered one; the same key always matches.
PADU_PORTAL_NAME_SIMILARITY = float(os.environ.get("PADU_PORTAL_NAME_SIMILARITY", "0.6"))
# Behind a reverse proxy every request comes from the proxy's address: the number of proxies in
# front of Padu that append to X-Forwarded-For (deploy/nginx-padu.conf: 1). The client is the
# address that many entries from the right; 0 takes REMOTE_ADDR (no proxy: the header is forged).
PADU_TRUSTED_PROXIES = int(os.environ.get("PADU_TRUSTED_PROXIES", "0"))
