"""Settings read from the environment.

The defaults are the embedded mode of the README (`make run`): SQLite, a broker that needs no
server, email to the console, DEBUG on. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=0, ALLOWED_HOSTS and EMAIL_URL; see .env.example.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_DIR = BASE_DIR / ".run"  # embedded mode's working files: the file broker, uploads

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# Production secrets have no default: outside DEBUG a missing key stops start-up.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_prometheus",  # request metrics at /metrics (home.metrics), with our outbox gauges
    # Our apps, from the bottom layer up (README's architecture section has the map).
    "outbox",
    "branding",
    "accounts",
    "audit",
    "organisations",
    "webhooks",
    "notifications",
    "programmes",
    "pairings",
    "matching",
    "goals",
    "sessions_app",
    "exchange",
    "feedback",
    "oversight",
    "identity",
    "provisioning",
    "chat",
    "home",
    "api",
]

MIDDLEWARE = [
    # First and last, as django-prometheus wants: it times everything between the two.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "mentoring.logs.RequestIdMiddleware",  # X-Request-ID, and the request id of its log lines
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and the user: an unchanged thread's poll answers from the cache alone.
    "exchange.middleware.ThreadPollNotModifiedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.middleware.ApiAddressThrottleMiddleware",  # after locale: its refusal is in words
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.cache.ReadAheadMiddleware",  # the keys every page reads, in one round trip
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mentoring.middleware.RefuseControlCharactersMiddleware",
    "mentoring.middleware.SecurityHeadersMiddleware",
    "accounts.middleware.AdminSecondFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    "identity.saml.SamlMiddleware",  # after CSP: adds an IdP's origin to form-action
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchange.context_processors.unread_messages",
                "branding.context_processors.branding",
            ],
        },
    },
]

FORM_RENDERER = "mentoring.forms.FormRenderer"
INSTALLED_APPS.append("django.forms")  # lets the form renderer find templates/ overrides

# Database: PostgreSQL in production and tests, SQLite in the embedded mode.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at once: WAL lets readers go on, IMMEDIATE
    # transactions wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, counting queries, errors and connections for /metrics (home.metrics).
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Cache: Redis when configured; local memory otherwise. allauth's rate limits live here, so it
# must never be DummyCache. Give CACHE_URL its own Redis database: clearing the cache flushes
# the whole database, queued Celery tasks included.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a cache miss, never an error page (mentoring/cache.py): short
            # timeouts so a hung Redis costs a fraction of a second, then is skipped a while.
            "BACKEND": "mentoring.cache.FailSoftRedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The keys every page reads from the cache, read in one round trip as each request starts
# (mentoring.cache.ReadAheadMiddleware; Redis only): functions of the request giving keys.
CACHE_READ_AHEAD = [
    "branding.selectors.read_ahead_keys",
    "exchange.live.read_ahead_keys",
    "mentoring.live.read_ahead_keys",
]
# An open thread's poll and the unread badge answer from versions in the cache (exchange/live.py)
# only when every worker shares it: a per-process cache would miss other workers' bumps.
LIVE_VERSIONS_CACHED = bool(REDIS_URL)
# The cohort page's figures and charts (oversight/live.py) may be kept this long in the shared
# cache (only with Redis): an admin's changes show at once, sessions, messages and feedback
# within it, and the page says as of when. 0: computed on every view.
COHORT_FIGURES_CACHE_SECONDS = env.int("COHORT_FIGURES_CACHE_SECONDS", default=300)

# Accounts (django-allauth): email is the login, verified before first use.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A taken address gets a clear error at sign-up (people in a cohort expect to be told they already
# have an account); the signup rate limit below keeps address probing slow.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner that follows links must not confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address at a time; a new one replaces it once verified
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the old address when the email or password changes
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_INPUT_RENDER_VALUE = False
ACCOUNT_SESSION_REMEMBER = None  # the login form offers "remember me"
# A session alone (a stolen cookie, an unlocked laptop) cannot change the email address or the
# password, nor download the person's data: the password is asked again after 5 minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Second factors (allauth.mfa): an authenticator app (TOTP) with recovery codes, or a security
# key or passkey (WebAuthn). Programme admins and staff must have one before any admin page
# opens (accounts.mfa); anyone may add one from the account pages.
# How long the audit trail keeps admin actions and security events.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Mentoring"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://localhost in development only
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and tested.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# allauth's forms, refusing the domains of an organisation that requires its identity provider.
ACCOUNT_FORMS = {
    "signup": "identity.forms.SsoAwareSignupForm",
    "reset_password": "identity.forms.SsoAwareResetPasswordForm",
    "add_email": "identity.forms.SsoAwareAddEmailForm",
}
# Single sign-on: each organisation's identity provider, configured in the app (identity app).
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
# Secrets at rest (mentoring.crypto): Fernet keys, newest first; derived from SECRET_KEY if unset.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# People's calendar addresses are fetched only from public addresses; these host names (an
# internal calendar server) are allowed to resolve to private ones.
CALENDAR_ALLOWED_HOSTS = env.list("CALENDAR_ALLOWED_HOSTS", default=[])
# Likewise for organisations' identity providers (OpenID Connect discovery and tokens, SAML
# metadata): these host names (a provider on the internal network) may resolve to private ones.
IDENTITY_ALLOWED_HOSTS = env.list("IDENTITY_ALLOWED_HOSTS", default=[])
# Webhook endpoints and Slack or Teams addresses are posted to only at public addresses, over
# HTTPS; these host names (a receiver on the internal network) may resolve to private ones and
# be reached over plain HTTP.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring] "
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Email: console by default; EMAIL_URL (smtp://user:pass@host:port, submission://…) for real.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mentoring <mentoring@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# A task whose email fails (the mail server down, refusing or unreachable) tries again after
# 5, 10, 20 … seconds, doubling up to 10 minutes between tries, 10 times: 2,435 s (40 min) in all
# before it gives up, so an outage of up to 40 minutes delays the emails but loses none. The
# waits are exact (no jitter): Celery's jitter draws each wait between 0 and its cap, which
# could give up within a few minutes. Tests shorten them.
EMAIL_RETRY_BACKOFF = env.int("EMAIL_RETRY_BACKOFF", default=5)
EMAIL_RETRY_BACKOFF_MAX = env.int("EMAIL_RETRY_BACKOFF_MAX", default=600)
EMAIL_RETRIES = env.int("EMAIL_RETRIES", default=10)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # links in emails sent by workers
SITE_NAME = env("SITE_NAME", default="Mentoring")  # how emails and pages name the platform
# Video sessions: each gets its own meeting link; {token} is 128 random bits, URL-safe.
VIDEO_LINK_TEMPLATE = env("VIDEO_LINK_TEMPLATE", default="https://meet.jit.si/mentoring-{token}")

# Celery: Redis in production and tests. Without Redis a file broker stands in, so the same
# tasks still run in a real worker beside the web server (make run starts both).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = RUN_DIR / "broker"
    for _folder in ("queue", "processed"):  # any process may enqueue: the web, a shell, a script
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # Tasks are short; anything due later waits as a row, never in the broker. A Redis that
    # hangs fails a publish in seconds; the work waits as a row (outbox) until it answers.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that hangs (accepts, never answers) costs a publish 2 s, not several tries of 4 s;
# workers and beat outlive a broker outage of any length: they keep reconnecting.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A worker process keeps its database connection for this many tasks instead of opening one
# per task (half the cost of a short send). A task interrupted by a time limit mid-query can
# spoil the connection for the next few tasks; reminders and emails are claimed rows that the
# next scan or retry takes again, so nothing is lost. Before each task the connection is checked
# as before a request (mentoring/celery.py), so a database restart spoils no task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
# How often beat's outbox scan publishes the tasks the broker refused (seconds).
OUTBOX_SCAN_SECONDS = env.float("OUTBOX_SCAN_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    # Every minute: tasks written while the broker was down (or whose message it lost) are
    # published again (outbox/services.py).
    "outbox-publish-due": {
        "task": "outbox.tasks.queued_tasks_publish_due_task",
        "schedule": OUTBOX_SCAN_SECONDS,
    },
    # Every night at 03:15 UTC: audit entries older than AUDIT_RETENTION_DAYS are deleted.
    "audit-entries-expire": {
        "task": "audit.tasks.audit_entries_expire_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every 15 minutes: copies of people's data past their 7 days leave the storage.
    "data-exports-expire": {
        "task": "home.tasks.data_exports_expire_task",
        "schedule": 15 * 60,
    },
    # Every minute: claim the reminders that are due and queue one short send task each.
    "reminders-dispatch": {
        "task": "sessions_app.tasks.reminders.reminders_dispatch_task",
        "schedule": 60,
    },
    # Every 10 minutes: people's connected calendars not read since are read again.
    "calendars-refresh-due": {
        "task": "sessions_app.tasks.calendars.calendars_refresh_due_task",
        "schedule": 10 * 60,
    },
    # Every 15 minutes: unanswered mentor requests expire and go to the mentee's next choice.
    "requests-expire-due": {
        "task": "matching.tasks.requests.requests_expire_due_task",
        "schedule": 15 * 60,
    },
    # Every minute: claim the message, material and opportunity emails whose recipient's
    # contact hours have opened, and queue one digest send per person.
    "notifications-dispatch": {
        "task": "notifications.tasks.notifications_dispatch_task",
        "schedule": 60,
    },
    # Every 15 minutes: ask both partners for feedback after sessions that ended, at the
    # check-ins that fell due and when a pairing closed, and remind once whoever has not
    # answered in three days (the emails go out within their contact hours).
    "feedback-scan": {
        "task": "feedback.tasks.feedback_scan_task",
        "schedule": 15 * 60,
    },
    # Every minute: announcements whose sending stopped (its worker died or restarted) go on,
    # their stale claims taken again.
    "announcements-resume": {
        "task": "oversight.tasks.outreach.announcements_resume_task",
        "schedule": 60,
    },
    # Every minute: claim the webhook deliveries due (retries, and any a worker never got)
    # and queue one short send task each.
    "webhooks-dispatch": {
        "task": "webhooks.tasks.deliveries_dispatch_task",
        "schedule": 60,
    },
    # Every night at 03:45 UTC: webhook events older than 30 days leave the delivery log.
    "webhook-events-expire": {
        "task": "webhooks.tasks.webhook_events_expire_task",
        "schedule": crontab(hour=3, minute=45),
    },
    # Every night at 02:30 UTC: reassess every active pairing's health and snapshot the day.
    "pairing-health-refresh": {
        "task": "oversight.tasks.health.pairing_health_refresh_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every hour, on the hour: each programme admin for whom it is Monday (their first day
    # with contact hours), inside those hours on their own clock, is emailed what changed in
    # their cohorts' health this week; once a week, and only when there is something to say.
    "health-weekly-dispatch": {
        "task": "oversight.tasks.weekly.health_weekly_dispatch_task",
        "schedule": crontab(minute=0),
    },
    # Every hour, on the hour (as the weekly health email): on Mondays from 09:00 UTC, each
    # cohort's Slack or Teams channels that want it get the week's summary, once a week.
    "chat-weekly-dispatch": {
        "task": "chat.tasks.chat_weekly_dispatch_task",
        "schedule": crontab(minute=0),
    },
}

# Time: stored in UTC, shown in each person's own zone (accounts.middleware).
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
# Languages: each person picks one on their language page (accounts.User.language); until they
# do, and for visitors, the browser's Accept-Language (or the footer's choice) decides.
# LocaleMiddleware reads those; accounts.middleware.UserLanguageMiddleware puts the person's
# own choice over them. Only languages with a complete catalogue in locale/ are offered.
LANGUAGE_CODE = "en"
# One way of writing dates per language: ours for English (mentoring/formats/en/formats.py),
# Django's own for Spanish and German.
FORMAT_MODULE_PATH = ["mentoring.formats"]
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
# Languages switched on for layout checks only, e.g. "ar" to see the right-to-left layout
# (pages keep their English text: there is no Arabic catalogue). Never set in production.
LANGUAGES += [
    (code, LANG_INFO[code]["name_local"]) for code in env.list("PREVIEW_LANGUAGES", default=[])
]
# Our English wording of third-party strings (allauth's Title Case and messages): locale/en.
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files: whitenoise serves them, compressed and fingerprinted outside DEBUG.
STATIC_URL = "static/"
# Outside DEBUG `collectstatic` fills STATIC_ROOT; in DEBUG whitenoise reads the apps' folders.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles") if not DEBUG else None
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=RUN_DIR / "media")

# Shared materials: a private folder by default, never under a public path; they are served
# only to the pairing's partners by a permission-checked view. "s3" stores them in an
# S3-compatible bucket (django-storages), private, read back through the same view.
MATERIALS_STORAGE = env("MATERIALS_STORAGE", default="local")
if MATERIALS_STORAGE == "s3":
    STORAGES["materials"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MATERIALS_S3_BUCKET"),
            "endpoint_url": env("MATERIALS_S3_ENDPOINT_URL", default=None),
            "region_name": env("MATERIALS_S3_REGION", default=None),
            "access_key": env("MATERIALS_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("MATERIALS_S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MATERIALS_STORAGE == "local":
    STORAGES["materials"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MATERIALS_ROOT", default=RUN_DIR / "materials")},
    }
else:
    raise ImproperlyConfigured("MATERIALS_STORAGE must be 'local' or 's3'.")
# The largest file a partner may share, and the largest attached to the email (bigger ones
# are sent as a link that needs signing in).
MATERIAL_MAX_BYTES = env.int("MATERIAL_MAX_BYTES", default=10 * 1024 * 1024)
MATERIAL_ATTACH_MAX_BYTES = env.int("MATERIAL_ATTACH_MAX_BYTES", default=2 * 1024 * 1024)
# The largest file any form accepts (materials; the CSV import takes up to 5 MB): a bigger one
# is dropped while it arrives instead of being spooled to disk whole (mentoring/uploads.py).
UPLOAD_MAX_BYTES = max(MATERIAL_MAX_BYTES, 5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "mentoring.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form posts; file uploads are limited per form

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: strict outside DEBUG (`manage.py check --deploy` stays quiet).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind our own proxy the connecting address is the proxy's: sign-in rate limits key on the
# client's address from X-Forwarded-For, trusting as many hops as there are proxies of ours.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain http
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database (a Redis outage signs nobody out), read by one SQL written once.
SESSION_ENGINE = "accounts.session_store"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our own scripts and styles only, no inline ones, no
# plugins, no framing, forms post only here. Images may be data: URIs (the SVG charts' icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (mentoring.middleware.SecurityHeadersMiddleware): no page here needs a
# camera, microphone, location, payment or USB device; video calls happen in other tools.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Errors to Sentry (or a compatible service: GlitchTip…) when SENTRY_DSN is set: uncaught
# exceptions of the web and of Celery tasks, with no personal data (no cookies, no user, no
# client address, no request bodies). Traces only when the sample rate is above 0.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# Prometheus metrics at /metrics (home.metrics): only with this token set, and only for a request
# with `Authorization: Bearer <token>`; otherwise the URL answers 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# Logs go to standard error: one line each, plain text, or with LOG_FORMAT=json one JSON object
# per line (timestamp, level, logger, message, request_id during a request, exc_info) for a log
# collector. Every response carries its request id in X-Request-ID (mentoring.logs).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mentoring.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "timestamp", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The REST API (api/): tokens or the browser's session, cursor pagination, OpenAPI 3 schema.
API_RATE_PER_TOKEN = env("API_RATE_PER_TOKEN", default="600/minute")
API_RATE_PER_ADDRESS = env("API_RATE_PER_ADDRESS", default="1200/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopeAllows",
        "api.permissions.PersonalAccess",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Per address: api.middleware, before authentication (a bad token is counted too).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_PER_TOKEN, "address": API_RATE_PER_ADDRESS},
    # The client's address: X-Forwarded-For only as far as our own proxies set it (0: the
    # connection's address; a header the client sent itself would let it dodge the rate).
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    # Every error in one shape, {"detail", "code"} (api.errors), and documented so (api.schema).
    "DEFAULT_RENDERER_CLASSES": ["api.errors.ErrorJSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentoring API",
    "DESCRIPTION": (
        "The distance-mentoring platform's REST API, version 1. Authenticate with "
        "`Authorization: Bearer <token>` (a personal access token from your account page, or "
        "an organisation's reporting token), or with the browser's session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_common_errors",
    ],
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui-5.36.0",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui-5.36.0/favicon-32x32.png",
    # Three models have a "status": each its own enum in the schema, named after its model.
    # The webhook payloads, one per event kind (webhooks/schema.py): an OpenAPI 3.1 feature.
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": "webhooks.schema.WEBHOOKS",
    "ENUM_NAME_OVERRIDES": {
        "PairingStatusEnum": "pairings.models.Pairing.Status",
        "SessionStatusEnum": "sessions_app.models.Appointment.Status",
        "GoalStatusEnum": "goals.models.Goal.Status",
        # And three have a "kind".
        "FeedbackKindEnum": "feedback.models.Feedback.Kind",
        "MaterialKindEnum": "exchange.models.Material.Kind",
        "AgendaItemKindEnum": "sessions_app.models.AgendaItem.Kind",
    },
}
