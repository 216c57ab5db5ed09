from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account of one person (R18).

    Roles, jurisdiction and the account rules of the regulation come with
    the accounts issue; the model exists from the start so that they can be
    added without swapping the user model.
    """

    class Meta(AbstractUser.Meta):
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
