import json, zipfile, sqlite3, subprocess, os, struct, shutil, logging
import pytest, shapely
from pathlib import Path
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.core.management import call_command, CommandError
from lis.cadastre.models import *
from lis.exchange.models import ImportJob
from lis.exchange.tests.fixtures.parcel_files import feature, square, write_parcel_file, bow_tie

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()

@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    def post(path, name=None, **fields):
        data = {"file": SimpleUploadedFile(name or path.name, path.read_bytes()), "unit_catalogue": "", "land_use_catalogue": "TT08/2024", "mode": "all", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("exchange:upload"), data, HTTP_ACCEPT_LANGUAGE="en")
    return post

def dump(client, resp):
    print("status", resp.status_code, resp.get("Location"))
    job = ImportJob.objects.order_by("-pk").first()
    if job:
        print("job", job.status, repr(job.error), json.dumps(job.report, ensure_ascii=False)[:600])
        page = client.get(reverse("exchange:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
        import re
        html = page.content.decode()
        m = re.search(r"<main.*?</main>", html, re.S)
        print(re.sub(r"\s+", " ", (m.group(0) if m else html))[:1500])

def test_web_zero(client, officer, tmp_path, post_import, caplog):
    client.force_login(officer)
    p = write_parcel_file(tmp_path / "e.gpkg", [feature(square(0), 1, 1)])
    c = sqlite3.connect(p)
    for (t,) in c.execute("select name from sqlite_master where type='trigger'").fetchall(): c.execute(f'drop trigger "{t}"')
    c.execute("delete from thua_dat"); c.commit(); c.close()
    dump(client, post_import(p))

def test_web_encrypted(client, officer, tmp_path, post_import, caplog):
    client.force_login(officer)
    d = tmp_path / "s"; d.mkdir()
    p = write_parcel_file(d / "t.shp", [feature(square(0), 1, 1)])
    subprocess.run(["zip", "-j", "-P", "secret", str(tmp_path / "enc.zip")] + [str(f) for f in d.iterdir()], check=True, capture_output=True)
    try:
        dump(client, post_import(tmp_path / "enc.zip"))
    except Exception as e:
        print("EXC in request", type(e).__name__, e)
    print("LOG>>", caplog.text[-2000:])

def test_web_badutf8(client, officer, tmp_path, post_import, caplog):
    client.force_login(officer)
    raw = b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9212"}},"features":[{"type":"Feature","properties":{"maDVHCXa":"25198","soHieuToBanDo":1,"soThuTuThua":13,"loaiDat":"CLN","tenChu":"Nguy\xeen V\xe3n","soGiayTo":"070075001234"},"geometry":{"type":"Polygon","coordinates":[[[568900,1275800],[568920,1275800],[568920,1275825],[568900,1275800]]]}}]}'
    (tmp_path / "u.geojson").write_bytes(raw)
    try:
        dump(client, post_import(tmp_path / "u.geojson"))
    except Exception as e:
        print("EXC in request", type(e).__name__, e)
    print("LOG>>", caplog.text[-3000:])

def test_web_notjson(client, officer, tmp_path, post_import, settings):
    client.force_login(officer)
    (tmp_path / "n.geojson").write_text("hello")
    dump(client, post_import(tmp_path / "n.geojson"))

def test_web_misc(client, officer, tmp_path, post_import, settings):
    client.force_login(officer)
    p = write_parcel_file(tmp_path / "ok.gpkg", [feature(square(0), 1, 1)])
    r = client.post(reverse("exchange:upload"), {"unit_catalogue": "", "land_use_catalogue": "TT08/2024", "mode": "all"})
    print("nofile", r.status_code, "error" in r.content.decode())
    (tmp_path / "z.gpkg").write_bytes(b"")
    r = post_import(tmp_path / "z.gpkg"); print("0byte", r.status_code, ImportJob.objects.count())
    settings.LIS_IMPORT_MAX_UPLOAD_BYTES = 10
    r = post_import(p); print("oversize", r.status_code, "too large" in r.content.decode(), ImportJob.objects.count())
    settings.LIS_IMPORT_MAX_UPLOAD_BYTES = 10**9
    r = post_import(p, srid="99999999999999999999"); print("srid huge", r.status_code); dump(client, r)
    r = post_import(p, srid="-5"); print("srid neg", r.status_code); dump(client, r)
    r = post_import(p, fields="junk"); print("fields junk", r.status_code, ImportJob.objects.count())
    r = post_import(p, mode="x"); print("mode junk", r.status_code)
    r = post_import(p, layer="nope"); dump(client, r)
    r = post_import(p, name="<script>alert(1)</script>.gpkg"); dump(client, r)
    for jid in ("99999999999999999999", "0"):
        try:
            r = client.get(f"/import/jobs/{jid}"); print("job", jid, r.status_code)
            r = client.get(f"/import/jobs/{jid}/status"); print("jobstatus", jid, r.status_code, r.content[:200])
        except Exception as e:
            print("EXC job", jid, type(e).__name__, e)
    r = post_import(p, name="a"*300 + ".gpkg"); print("longname", r.status_code); dump(client, r)
