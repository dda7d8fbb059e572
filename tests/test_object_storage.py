"""Uploads in S3-compatible object storage, against a real S3 server on loopback (moto's server
mode, over HTTP, as MinIO or a cloud bucket would be reached): nothing on the app server's disk,
private objects, read back only through the scoped views, the task worker reopening an import."""

import os
import socket
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from config.storage import object_storage
from enrollment.models import Enrollment
from imports.models import ImportBatch
from reports.models import SignoffStep
from tests.factories import TODAY, AgentFactory, enroll, nik_for

pytestmark = pytest.mark.django_db
KEYS = {"access_key": "desa100-test", "secret_key": "desa100-test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A new private bucket, and the app's uploads going to it as production's settings send them."""
    name = f"desa100-{uuid.uuid4().hex[:10]}"
    s3 = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"],
    )  # fmt: skip
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(bucket=name, endpoint_url=s3_server, region="us-east-1", **KEYS),
    }
    return s3, name, s3_server


def keys(s3, name: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]


def on_local_disk() -> list[Path]:
    return [path for path in Path(django_settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_signed_page_goes_to_the_bucket_and_comes_back_only_through_the_scoped_view(
    client, bucket, campaign, agent
):
    s3, name, endpoint = bucket
    enroll(campaign, agent, 1)
    before = on_local_disk()
    client.force_login(agent)
    scan = SimpleUploadedFile(
        "Daftar Asep.pdf", b"%PDF-1.4 signed by H. Dedi", content_type="application/pdf"
    )
    client.post(
        reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"]),
        {"village_head": "H. Dedi", "signed_on": TODAY.isoformat(), "scan": scan, "stage": "1"},
    )

    step = SignoffStep.objects.get()
    assert keys(s3, name) == [step.scan.name] and step.scan.name.startswith("signoffs/")
    assert on_local_disk() == before  # nothing written on the app server
    download = client.get(reverse("reports:signoff_scan", args=[step.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed by H. Dedi"

    outsider = AgentFactory(regions=["32.15.01.1001"])
    client.force_login(outsider)
    assert client.get(reverse("reports:signoff_scan", args=[step.pk])).status_code == 404
    assert requests.get(f"{endpoint}/{name}/{step.scan.name}", timeout=5).status_code == 403  # private


def test_a_file_that_is_not_a_scan_never_reaches_the_bucket(client, bucket, campaign, agent):
    s3, name, _ = bucket
    enroll(campaign, agent, 1)
    client.force_login(agent)
    fake = SimpleUploadedFile("ttd.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(
        reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"]),
        {"village_head": "H. Dedi", "signed_on": TODAY.isoformat(), "scan": fake, "stage": "1"},
    )
    assert keys(s3, name) == []


def test_the_task_worker_reopens_an_import_from_the_bucket(client, bucket, campaign, agent, settings):
    s3, name, _ = bucket
    settings.IMPORT_INLINE_BYTES = 0  # to the background job, which reads the file back from storage
    client.force_login(agent)
    rows = "".join(f"{nik_for(n)};Pekerja {n};32.14.16.2005;petani\n" for n in (1, 2))
    upload = SimpleUploadedFile("musdes.csv", ("nik;nama;kode_desa;pekerjaan\n" + rows).encode(), "text/csv")
    client.post(reverse("imports:new"), {"campaign": campaign.pk, "file": upload, "reserve_if_full": "1"})

    batch = ImportBatch.objects.get()
    assert keys(s3, name) == [batch.file.name]
    assert batch.state == "checked" and batch.valid == 2
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert Enrollment.objects.count() == 2


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch):
    """No credentials of the machine's own reach the tests, and nothing goes to a real AWS."""
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setitem(os.environ, "AWS_EC2_METADATA_DISABLED", "true")
