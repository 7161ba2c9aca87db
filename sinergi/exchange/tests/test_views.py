"""The import pages as a user meets them, and who may open them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory
from sinergi.exchange.imports import reader, services
from sinergi.exchange.models import ImportBatch
from sinergi.exchange.tests.spreadsheets import NIK_SITI, csv_bytes
from sinergi.people.models import Person


@pytest.fixture
def client_in(client, signed_in, importer):
    return signed_in(client, importer)


def test_template_download_reads_back_as_a_valid_file(client_in):
    response = client_in.get("/exchange/imports/template/people/xlsx/")
    assert response.status_code == 200
    workbook = reader.read_workbook("t.xlsx", response.content)
    assert workbook.sheets[0].rows[0][:3] == ["nama_lengkap", "nik", "jenis_kelamin"]
    assert "Petunjuk" in [s.name for s in workbook.sheets]
    csv_response = client_in.get("/exchange/imports/template/cases/csv/")
    assert csv_response.content.startswith(b"\xef\xbb\xbfnomor_laporan")
    assert client_in.get("/exchange/imports/template/nothing/csv/").status_code == 404


def test_upload_map_preview_commit(client_in):
    data = csv_bytes([["Nama", "NIK"], ["Siti Rahayu", NIK_SITI], ["Budi", "3.17E+15"]])
    response = client_in.post(
        "/exchange/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("pmi.csv", data, content_type="text/csv")},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/imports/{batch.pk}/"
    page = client_in.get(response["Location"]).content.decode()
    assert "Langkah 2 dari 3" in page
    response = client_in.post(
        f"/exchange/imports/{batch.pk}/mapping/", {"column_0": "nama_lengkap", "column_1": "nik"}
    )
    assert response.status_code == 302
    page = client_in.get(f"/exchange/imports/{batch.pk}/").content.decode()
    assert "Excel mengubah NIK menjadi angka 3.17E+15" in page
    assert Person.objects.count() == 0
    client_in.post(f"/exchange/imports/{batch.pk}/start/", {"commit": "1"})
    assert Person.objects.get().full_name == "Siti Rahayu"


def test_mapping_a_field_twice_is_shown_on_the_form(client_in, importer):
    batch = services.import_upload(
        actor=importer,
        record_type="people",
        name="a.csv",
        data=csv_bytes([["nama", "nama2"], ["Siti", "S"]]),
    )
    response = client_in.post(
        f"/exchange/imports/{batch.pk}/mapping/", {"column_0": "nama_lengkap", "column_1": "nama_lengkap"}
    )
    assert response.status_code == 400
    assert "setiap bidang hanya dapat berasal dari satu kolom" in response.content.decode()


def test_a_file_over_the_limit_is_refused_with_the_limit(client_in, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    big = b"nama\n" + b"Siti Rahayu\n" * 300_000  # 3.6 MB
    response = client_in.post(
        "/exchange/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("besar.csv", big, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "Berkas terlalu besar: paling besar 2 MB." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_who_may_open_the_import_pages(client, signed_in, importer, other_agency):
    batch = services.import_upload(
        actor=importer, record_type="people", name="a.csv", data=csv_bytes([["nama"], ["Siti"]])
    )
    url = f"/exchange/imports/{batch.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    reader_user = UserFactory(username="pembaca", agency=importer.agency, roles=[Role.READ_ONLY])
    signed_in(client, reader_user)
    assert client.get("/exchange/").status_code == 403
    assert client.get(url).status_code == 404
    stranger = UserFactory(username="asing", agency=other_agency, roles=[Role.CASE_WORKER])
    signed_in(client, stranger)
    assert client.get(url).status_code == 404
    assert client.post(f"/exchange/imports/{batch.pk}/start/", {"commit": "1"}).status_code == 404
    assert client.post(f"/exchange/imports/{batch.pk}/discard/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == "mapping" and Person.objects.count() == 0
    signed_in(client, importer)
    assert client.get(url).status_code == 200


def test_only_agency_administrators_manage_subscriptions(client, signed_in, importer):
    signed_in(client, importer)
    assert client.get("/exchange/subscriptions/").status_code == 403
    admin = UserFactory(username="admin-instansi", agency=importer.agency, roles=[Role.AGENCY_ADMIN])
    signed_in(client, admin)
    response = client.post("/exchange/subscriptions/", {"name": "X", "endpoint_url": "bukan url"})
    assert response.status_code == 400
    from sinergi.exchange.models import Subscription

    assert Subscription.objects.count() == 0
