from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminUnitsConfig(AppConfig):
    name = "lis.admin_units"
    label = "admin_units"
    verbose_name = _("Administrative units")
