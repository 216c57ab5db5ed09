from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadastreConfig(AppConfig):
    name = "lis.cadastre"
    label = "cadastre"
    verbose_name = _("Cadastre")
