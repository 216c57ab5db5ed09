"""`lis serve` runs the production WSGI server with static files (issue #2)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lis(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lis", *args],
        env=env,
        cwd=PROJECT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _get(url: str) -> tuple[int, bytes, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), dict(response.headers)


@pytest.mark.skipif(
    not (PROJECT / "node_modules" / "ol").is_dir(), reason="npm packages not installed"
)
def test_serve_answers_health_and_static_files_through_gunicorn(tmp_path):
    env = {
        **os.environ,
        "LIS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"spatialite:///{tmp_path / 'serve.sqlite3'}",
        "LIS_SECRET_KEY": "serve-test-secret-key-not-used-elsewhere",
        "LIS_ENV_FILE": str(tmp_path / "none.env"),
    }
    _lis(["migrate", "--no-input", "-v", "0"], env)
    _lis(["collectstatic", "--no-input", "-v", "0"], env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lis",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = _wait_for(f"http://127.0.0.1:{port}/healthz")
        static_status, script, headers = _get(
            f"http://127.0.0.1:{port}/static/vendor/ol/dist/ol.js"
        )
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert status == 200
    assert b'"reachable": true' in body
    assert static_status == 200
    assert len(script) > 100_000
    assert "gunicorn" in output.lower()
    assert server.returncode == 0


def _wait_for(url: str) -> tuple[int, bytes]:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, body, _headers = _get(url)
            return status, body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
