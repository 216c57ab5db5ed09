"""`lis serve`: the production WSGI server (gunicorn) and the task consumer.

Both run as child processes; when one stops, the other is stopped too, and
SIGINT/SIGTERM stop both.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Serve LIS with gunicorn and run the background task consumer.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--bind", default=os.environ.get("LIS_BIND", "127.0.0.1:8000")
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LIS_WEB_WORKERS", "3"))
        )
        parser.add_argument(
            "--no-tasks", action="store_true", help=_("do not start the task consumer")
        )

    def handle(self, *args, **options) -> None:
        children = [self._gunicorn(options["bind"], options["workers"])]
        if not options["no_tasks"]:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "lis", "run_huey", "--no-periodic"]
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("LIS is serving at http://%(bind)s/ (Ctrl+C stops it).")
                % {"bind": options["bind"]}
            )
        )
        self._supervise(children)

    @staticmethod
    def _gunicorn(bind: str, workers: int) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lis.config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--access-logfile",
                "-",
            ]
        )

    @staticmethod
    def _supervise(children: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        codes = [child.returncode for child in children]
        if not stopping and any(codes):
            sys.exit(next(code for code in codes if code))
