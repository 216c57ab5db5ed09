"""Django settings for LIS, read once from environment variables.

Every variable is listed with a safe development value in `.env.example`.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lis.config.env import env_bool, env_int, env_list, env_str, load_env_file

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent

load_env_file(Path(env_str("LIS_ENV_FILE", str(PROJECT_DIR / ".env"))))

DEBUG = env_bool("LIS_DEBUG", False)
DATA_DIR = Path(env_str("LIS_DATA_DIR", str(PROJECT_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("LIS_SECRET_KEY", "insecure-development-key" if DEBUG else None)
if not DEBUG and SECRET_KEY.startswith(("insecure-", "change-me")):
    raise ImproperlyConfigured("LIS_SECRET_KEY must be set to a secret value.")

ALLOWED_HOSTS = env_list("LIS_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LIS_CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("LIS_SECURE_COOKIES", False)
SESSION_COOKIE_AGE = env_int("LIS_SESSION_SECONDS", 8 * 3600)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "huey.contrib.djhuey",
    "lis.core",
    "lis.accounts",
    "lis.admin_units",
    "lis.reference",
    "lis.cadastre",
    "lis.exchange",
    "lis.portal",
    "lis.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lis.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lis.config.urls"
WSGI_APPLICATION = "lis.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_config(url: str) -> dict:
    """Parse DATABASE_URL, always with a spatial engine and persistent links."""
    config = dj_database_url.parse(url)
    spatial_engines = {
        "django.db.backends.postgresql": "django.contrib.gis.db.backends.postgis",
        "django.db.backends.sqlite3": "django.contrib.gis.db.backends.spatialite",
    }
    config["ENGINE"] = spatial_engines.get(config["ENGINE"], config["ENGINE"])
    if config["ENGINE"].endswith("postgis"):
        # The first ST_Transform on a connection sets PROJ up (STACK.md P10).
        config["CONN_MAX_AGE"] = env_int("LIS_DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        config.setdefault("OPTIONS", {})["timeout"] = 30
    return config


DATABASES = {
    "default": _database_config(
        env_str("DATABASE_URL", f"spatialite:///{DATA_DIR / 'lis.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:map"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("LIS_LANGUAGE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Map JavaScript comes from the npm registry at setup (`npm ci`), never a CDN.
STATICFILES_DIRS = [("vendor/ol", PROJECT_DIR / "node_modules" / "ol")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LIS_IMPORT_MAX_UPLOAD_BYTES = env_int("LIS_IMPORT_MAX_UPLOAD_MB", 500) * 1024 * 1024
# Larger selections are exported on the server with `lis export-parcels`.
LIS_EXPORT_WEB_MAX_PARCELS = env_int("LIS_EXPORT_WEB_MAX_PARCELS", 50_000)

# GDAL 3.6 (Debian 12) cannot block file and network access; SRS text from
# users is never parsed by GDAL, only by pyproj (STACK.md P3).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Storage SRID of every cadastral geometry: VN-2000 / TM-3 of the province's
# central meridian. Fixed once the database is migrated.
LIS_STORAGE_SRID = env_int("LIS_STORAGE_SRID", 9212)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "lis.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# Background tasks and the cache (progress of long work, shared by the web
# server and the task consumer): Redis in production, files otherwise.
_redis_url = env_str("REDIS_URL", "-")
if _redis_url != "-":
    HUEY = {"huey_class": "huey.RedisHuey", "name": "lis", "url": _redis_url}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lis",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
HUEY["immediate"] = env_bool("LIS_TASKS_IMMEDIATE", False)
HUEY["consumer"] = {"workers": env_int("LIS_TASK_WORKERS", 2), "worker_type": "thread"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LIS_LOG_LEVEL", "INFO")},
    # The task consumer gives the huey logger its own handler.
    "loggers": {"huey": {"level": "WARNING", "propagate": False}},
}
