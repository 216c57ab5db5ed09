"""The interface language: Vietnamese unless the user chose another."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Speak the language the user picked with the switch, else LANGUAGE_CODE.

    Browsers' Accept-Language is ignored: office computers in Vietnam often
    run English browsers, and the land office works in Vietnamese.
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
