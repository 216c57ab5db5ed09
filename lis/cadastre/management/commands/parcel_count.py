"""`lis parcel-count`: how many parcels the database holds (for scripts)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lis.cadastre.models import Parcel


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Print the number of parcels in the database.")

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(Parcel.objects.count()))
