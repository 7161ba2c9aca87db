"""The import end to end through its services, with ugly spreadsheets the tests make themselves."""

from __future__ import annotations

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError
from sinergi.core.testing.hostile import real_xlsx, with_parts, zip_bomb_xlsx
from sinergi.exchange.choices import ImportStatus
from sinergi.exchange.imports import services
from sinergi.exchange.models import ImportBatch, ImportedRecord
from sinergi.exchange.tests.spreadsheets import (
    NIK_BUDI,
    NIK_SITI,
    csv_bytes,
    messy_people_workbook,
    xlsx_bytes,
)
from sinergi.people import identifiers
from sinergi.people.models import Person


def run(actor, record_type, name, data, *, commit=True):
    batch = services.import_upload(actor=actor, record_type=record_type, name=name, data=data)
    batch = services.import_start(actor=actor, batch_id=batch.pk, commit=False)
    assert batch.status == ImportStatus.PREVIEWED, batch.failure
    if commit:
        batch = services.import_start(actor=actor, batch_id=batch.pk, commit=True)
    return batch


def outcomes(batch):
    return {r.row_number: (r.outcome, r.messages) for r in batch.row_results.all()}


def test_messy_workbook_preview_then_commit(importer):
    batch = services.import_upload(
        actor=importer, record_type="people", name="pmi.xlsx", data=xlsx_bytes(messy_people_workbook)
    )
    assert batch.sheet_name == "Data PMI"
    assert batch.header_row == 3  # under the title and the merged group header
    assert {s["name"]: s["hidden"] for s in batch.sheets} == {"Data PMI": False, "Rekap": True}
    assert sorted(batch.mapping.values()) == [
        "jenis_kelamin",
        "nama_lengkap",
        "nik",
        "tanggal_lahir",
        "telepon",
    ]
    assert batch.total_rows == 4  # trailing empty rows are not rows

    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert batch.status == ImportStatus.PREVIEWED
    result = outcomes(batch)
    assert result[4][0] == "created"
    assert result[5][0] == "created"
    rina = result[6]
    assert rina[0] == "rejected"
    assert any("3.17E+15" in m and "Excel" in m for m in rina[1])  # the NIK Excel damaged, in Indonesian
    dewi = result[7]
    assert dewi[0] == "rejected" and any("31/02/1999" in m for m in dewi[1])
    assert Person.objects.count() == 0  # the preview saved nothing

    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=True)
    assert batch.status == ImportStatus.COMMITTED
    assert batch.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    siti = Person.objects.get(nik_index=identifiers.nik_index(NIK_SITI))
    assert siti.full_name == "Siti Rahayu" and siti.sex == "F" and str(siti.birth_date) == "1990-01-10"
    assert sorted(p.number for p in siti.phones.all()) == ["+62811222333" + "3", "+6281234567890"]
    budi = Person.objects.get(nik_index=identifiers.nik_index(NIK_BUDI))
    assert [p.number for p in budi.phones.all()] == ["+6281234567891"]  # Excel's number, leading 0 restored
    record = ImportedRecord.objects.get(object_id=str(siti.pk))
    assert (record.agency_id, record.filename, record.sheet_name, record.row_number) == (
        importer.agency_id,
        "pmi.xlsx",
        "Data PMI",
        4,
    )
    assert not ImportBatch.objects.get(pk=batch.pk).upload  # the file is not kept once saved
    assert AuditEntry.objects.filter(object_type="people.person", action="create").count() == 2


def test_same_file_twice_creates_nothing_new(importer):
    data = csv_bytes(
        [["Nama Lengkap", "NIK", "Jenis Kelamin"], ["Siti Rahayu", NIK_SITI, "P"], ["Tono", "", "L"]]
    )
    run(importer, "people", "a.csv", data)
    assert Person.objects.count() == 2
    again = run(importer, "people", "a-copy.csv", data)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert Person.objects.count() == 2
    assert all("a.csv" in messages[0] for _o, messages in outcomes(again).values())


def test_windows_1252_semicolons_and_an_update_by_nik(importer):
    run(importer, "people", "a.csv", csv_bytes([["nama", "nik"], ["Siti Rahayu", NIK_SITI]]))
    data = csv_bytes(
        [
            ["Nama", "NIK", "Tempat lahir", "Telp"],
            ["Siti Rahayu", NIK_SITI, "Martapura – Banjar", "0812 3456 7890"],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    batch = run(importer, "people", "b.csv", data)
    assert batch.counts["updated"] == 1, outcomes(batch)
    siti = Person.objects.get()
    assert siti.birth_place == "Martapura – Banjar"
    assert [p.number for p in siti.phones.all()] == ["+6281234567890"]


def test_duplicate_rows_inside_one_file(importer):
    data = csv_bytes(
        [["nama", "nik"], ["Siti Rahayu", NIK_SITI], ["Siti Rahayu", NIK_SITI], ["Siti R.", NIK_SITI]]
    )
    batch = run(importer, "people", "dup.csv", data)
    result = outcomes(batch)
    assert result[2][0] == "created"
    assert result[3] == ("rejected", ["Baris yang sama dengan baris 2 dalam berkas ini."])
    assert result[4][0] == "rejected" and "baris 2" in result[4][1][0]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("surat.pdf", b"%PDF-1.4 hello", "bukan lembar kerja"),
        ("kosong.csv", b"   ", "kosong"),
        ("noheader.csv", b"Siti,6371015001900001\nBudi,6371010203850007\n", "judul kolom"),
        ("rusak.xlsx", b"PK\x03\x04garbage" * 10, "tidak dapat dibaca"),
        ("header-only.csv", b"nama,nik\n\n\n", "tidak ada baris data"),
        ("bom.xlsx", zip_bomb_xlsx(), "bom zip"),
        ("lembar.csv", real_xlsx(), "bukan lembar kerja"),
        ("lembar.xls", real_xlsx(), "bukan lembar kerja"),
        ("lembar.pdf", real_xlsx(), "bukan lembar kerja"),
        ("daftar.xlsx", b"nama,nik\nSiti,6371015001900001\n", "bukan lembar kerja"),
        ("kontrak.xlsx", with_parts(real_xlsx(), {"xl/vbaProject.bin": b"macro"}), "konten aktif"),
        ("objek.xlsx", with_parts(real_xlsx(), {"xl/embeddings/oleObject1.OLE": b"ole"}), "objek tersemat"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_reason(importer, name, data, words):
    with pytest.raises(ApplicationError) as refused:
        services.import_upload(actor=importer, record_type="people", name=name, data=data)
    assert words in str(refused.value.message).lower()
    assert ImportBatch.objects.count() == 0


def test_a_zip_bomb_is_refused_before_the_spreadsheet_library_opens_it(importer, monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine opened a zip bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    with pytest.raises(ApplicationError) as refused:
        services.import_upload(actor=importer, record_type="people", name="bom.xlsx", data=zip_bomb_xlsx())
    assert refused.value.code == "import_archive"
    assert ImportBatch.objects.count() == 0


def test_a_workbook_with_its_printer_set_up_is_imported(importer):
    workbook = with_parts(
        real_xlsx([["nama", "nik"], ["Siti", NIK_SITI]]),
        {"xl/printerSettings/printerSettings1.bin": b"\0" * 64},
    )
    batch = services.import_upload(actor=importer, record_type="people", name="pmi.xlsx", data=workbook)
    assert batch.total_rows == 1


def test_a_field_mapped_twice_is_refused(importer):
    batch = services.import_upload(
        actor=importer,
        record_type="people",
        name="a.csv",
        data=csv_bytes([["nama", "nama lain"], ["Siti", "S"]]),
    )
    with pytest.raises(ApplicationError) as refused:
        services.import_mapping_set(
            actor=importer, batch_id=batch.pk, mapping={0: "nama_lengkap", 1: "nama_lengkap"}
        )
    assert "column_1" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        services.import_mapping_set(actor=importer, batch_id=batch.pk, mapping={0: "nik"})
    assert "Nama lengkap" in refused.value.fields["__all__"][0]


def test_a_saved_mapping_is_used_for_the_next_file(importer):
    data = csv_bytes([["Nama Sesuai KTP", "Nomor Identitas"], ["Siti Rahayu", NIK_SITI]])
    batch = services.import_upload(actor=importer, record_type="people", name="a.csv", data=data)
    assert batch.mapping == {}  # names the import does not know
    with pytest.raises(ApplicationError):
        services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    services.import_mapping_set(actor=importer, batch_id=batch.pk, mapping={0: "nama_lengkap", 1: "nik"})
    second = services.import_upload(actor=importer, record_type="people", name="b.csv", data=data)
    assert second.mapping == {"0": "nama_lengkap", "1": "nik"}


def test_a_failed_commit_leaves_nothing_behind(importer, monkeypatch):
    data = csv_bytes([["nama"], *[[f"Orang {i}"] for i in range(30)]])
    batch = services.import_upload(actor=importer, record_type="people", name="a.csv", data=data)
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    from sinergi.exchange.imports import appliers

    real = appliers.apply_people

    def crash_midway(actor, rows, *, write):
        assert write
        real(actor, rows[:20], write=write)  # the first 20 people are written, then the server goes down
        raise RuntimeError("the server went down")

    monkeypatch.setitem(appliers.BULK_APPLIERS, "people", crash_midway)
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=True)
    assert batch.status == ImportStatus.FAILED
    assert "Tidak ada yang disimpan" in batch.failure
    assert Person.objects.count() == 0
    assert ImportedRecord.objects.count() == 0


def test_cases_and_departures(importer, officer):
    cases = csv_bytes(
        [
            ["No LP", "Tanggal Laporan", "Saluran", "Negara tujuan", "Nama korban", "NIK korban", "JK"],
            ["LP/1", "7 Agustus 2025", "Hotline", "Kamboja", "Siti Rahayu", NIK_SITI, "P"],
            ["LP/2", "07/08/2025", "COMMUNITY", "MY", "", "", ""],
            ["LP/3", "kemarin", "merpati pos", "Narnia", "", "", ""],
        ]
    )
    batch = run(importer, "cases", "kasus.csv", cases)
    result = outcomes(batch)
    assert [result[n][0] for n in (2, 3, 4)] == ["created", "created", "rejected"]
    assert len(result[4][1]) == 3  # the date, the channel and the country, each named
    from sinergi.cases.models import Case

    first = Case.objects.get(pk=ImportedRecord.objects.get(row_number=2, record_type="cases").object_id)
    assert first.destination_country == "KH" and first.intake_channel == "HOTLINE"
    assert first.parties.get().person.full_name == "Siti Rahayu"

    departures = csv_bytes(
        [
            ["jenis_pos", "nama_pos", "tujuan", "jenis_visa", "pekerjaan", "negara_tujuan", "usia"],
            [
                "Bandara",
                "Bandara Syamsudin Noor",
                "tourism",
                "Visa turis atau bebas visa",
                "online_admin",
                "KH",
                "17",
            ],
            ["airport", "Bandara Syamsudin Noor", "work", "work", "factory", "MY", "abc"],
        ]
    )
    batch = run(officer, "departures", "pos.csv", departures)
    result = outcomes(batch)
    assert result[2][0] == "created" and result[3][0] == "rejected"
    from sinergi.detection.models import DepartureScreening

    assert DepartureScreening.objects.get().risk_level == "tinggi"


def test_roles_without_the_right_cannot_import(regions, agency):
    from sinergi.agencies.choices import Role
    from sinergi.core.testing.factories import UserFactory

    reader = UserFactory(username="pembaca", agency=agency, roles=[Role.READ_ONLY])
    with pytest.raises(Exception) as refused:
        services.import_upload(
            actor=reader, record_type="people", name="a.csv", data=csv_bytes([["nama"], ["A"]])
        )
    assert type(refused.value).__name__ == "PermissionDenied"
    assert ImportBatch.objects.count() == 0


def test_the_preview_promises_what_the_commit_does_and_writes_nothing(importer):
    run(importer, "people", "a.csv", csv_bytes([["nama", "nik"], ["Siti Rahayu", NIK_SITI]]))
    data = csv_bytes(
        [
            ["Nama", "NIK", "No HP", "Tempat lahir"],
            ["Siti Rahayu", NIK_SITI, "0812 3456 7890", "Banjarmasin"],  # known NIK: an update
            ["Budi Santoso", NIK_BUDI, "0813-5555-6666", ""],  # new
            ["Rina", "", "12", ""],  # a phone that is no phone
            ["Tono", "", "", ""],  # new, no NIK
        ]
    )
    batch = services.import_upload(actor=importer, record_type="people", name="b.csv", data=data)
    written = (Person.objects.count(), AuditEntry.objects.count(), ImportedRecord.objects.count())
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert (Person.objects.count(), AuditEntry.objects.count(), ImportedRecord.objects.count()) == written
    promised = outcomes(batch)
    assert [promised[n][0] for n in (2, 3, 4, 5)] == ["updated", "created", "rejected", "created"]
    assert "telepon" in promised[4][1][0].lower()  # in Indonesian, naming the column
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=True)
    assert outcomes(batch) == promised and batch.row_results.count() == 4
    assert Person.objects.count() == 3
    assert ImportedRecord.objects.filter(batch=batch).count() == 3
    assert (
        AuditEntry.objects.filter(object_type="people.person").count() == 4
    )  # 2 created, 1 updated, 1 before


def test_a_second_preview_replaces_the_row_results_of_the_first(importer):
    data = csv_bytes([["Nama", "No HP"], ["Rina", "12"], ["Tono", "0813-5555-6666"], ["Dewi", ""]])
    batch = services.import_upload(actor=importer, record_type="people", name="a.csv", data=data)
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert [o for o, _m in outcomes(batch).values()] == ["rejected", "created", "created"]
    services.import_mapping_set(actor=importer, batch_id=batch.pk, mapping={0: "nama_lengkap"})  # no phones
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert outcomes(batch) == {2: ("created", []), 3: ("created", []), 4: ("created", [])}
    assert batch.row_results.count() == 3
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=True)
    assert batch.row_results.count() == 3 and Person.objects.count() == 3


def test_a_large_import_waits_for_the_bulk_worker_not_the_e_mail_worker(importer, settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from sinergi.core.testing.tasks import DB_TASKS, run_worker

    settings.TASKS = DB_TASKS
    monkeypatch.setattr(services, "SYNC_ROWS", 1)
    data = csv_bytes([["Nama Lengkap", "NIK"], ["Siti Rahayu", NIK_SITI], ["Budi Santoso", NIK_BUDI]])
    batch = services.import_upload(actor=importer, record_type="people", name="besar.csv", data=data)
    batch = services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert batch.status == ImportStatus.PREVIEWING
    assert DBTaskResult.objects.get().queue_name == settings.SINERGI_BULK_QUEUE == "bulk"
    run_worker("default")
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEWING
    run_worker("bulk")
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEWED
