"""`lis load-reference`: load administrative units and code lists.

Run on every start by `make run`; when nothing changed it only reads the
files and compares, and writes nothing.
"""

from django.core.management.base import BaseCommand
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lis.admin_units.services.data_files import LoadReport
from lis.admin_units.services.loading import load_admin_units
from lis.reference.services.loading import load_code_lists


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Load the administrative units and code lists shipped with LIS.")

    def handle(self, *args: object, **options: object) -> None:
        reports = [load_admin_units(), *load_code_lists()]
        if options["verbosity"]:
            for report in reports:
                self._print(report)

    def _print(self, report: LoadReport) -> None:
        for model, counts in report.tables.items():
            line = _(
                "%(table)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged"
            ) % {
                "table": capfirst(model._meta.verbose_name_plural),
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
            self.stdout.write(line)
