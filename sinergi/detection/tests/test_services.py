"""Storing posts, uploads, campaign grouping, contacts and reviews."""

from __future__ import annotations

import json
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.detection import services
from sinergi.detection.choices import BatchStatus, ContactKind, PostSource, ReviewStatus
from sinergi.detection.models import Campaign, Contact, PostBatch, Review, ScreenedPost
from sinergi.detection.tests.conftest import RISKY, SAFE

pytestmark = pytest.mark.django_db

OTHER_OFFER = (
    "Info loker kapal ikan di Korea tanpa ijazah, potong gaji 6 bulan untuk biaya, berangkat lewat jalur "
    "belakang, paspor diurus sponsor. DM untuk info lengkap"
)


def store(actor, *items, source=PostSource.API):
    return services.post_store_batch(actor=actor, results=list(items), source=source)


def test_store_screens_every_post_and_records_the_batch(analyst):
    batch = store(analyst, {"text": RISKY, "id": "fb-1", "platform": "Facebook", "account": "loker.id"})

    post = ScreenedPost.objects.get()
    assert post.batch == batch
    assert batch.stored_count == 1 and batch.created_by == analyst and batch.agency == analyst.agency
    assert post.external_id == "fb-1" and post.platform == "facebook"
    assert post.risk_level in ("tinggi", "sedang", "rendah")
    assert post.indicators, "the engine found indicators in a risky offer"
    first = post.indicators[0]
    assert post.text[first["span_start"] : first["span_end"]] == first["span_text"]
    assert post.campaign.post_count == 1
    assert post.engine_version.startswith("sinergi-") and post.knowledge_version
    entry = AuditEntry.objects.get(object_type="detection.postbatch")
    assert RISKY[:20] not in entry.summary and "loker.id" not in json.dumps(entry.changes)


def test_reposts_by_other_accounts_form_one_campaign_and_distinct_offers_do_not(analyst):
    store(
        analyst,
        {"text": RISKY, "account": "akun1", "platform": "facebook", "posted_at": "2026-11-01T08:00:00+07:00"},
        {"text": OTHER_OFFER, "account": "akun9"},
        {"text": SAFE, "account": "pt.sentosa"},
    )
    # A later upload: the same offer, lightly edited, by two other accounts on another platform.
    store(
        analyst,
        {
            "text": "🔥🔥 " + RISKY.upper() + " #lowker #kerjaluarnegeri",
            "account": "akun2",
            "platform": "tiktok",
        },
        {"text": RISKY.replace("15jt", "18jt"), "account": "akun3", "posted_at": "2026-11-05T10:00:00+07:00"},
    )

    assert Campaign.objects.count() == 3
    campaign = Campaign.objects.order_by("-post_count").first()
    assert campaign.post_count == 3
    assert campaign.account_count == 3
    assert set(campaign.accounts) == {"akun1", "akun2", "akun3"}
    assert set(campaign.platforms) == {"facebook", "tiktok"}
    assert campaign.first_seen.date().isoformat() == "2026-11-01"
    assert campaign.representative.account == "akun1"
    others = Campaign.objects.exclude(pk=campaign.pk)
    assert sorted(c.post_count for c in others) == [1, 1]


REWRITTEN = (
    "Dibutuhkan segera admin CS untuk perusahaan di Kamboja, mess dan makan gratis! Gaji 15jt/bulan, tanpa "
    "pengalaman, tiket ditanggung. Kuota terbatas, berangkat minggu ini. Minat? WA {phone}"
)


def test_a_shared_contact_groups_a_rewritten_offer(analyst):
    # The rewrite keeps about a third of the wording: not enough alone, enough with the same WhatsApp number.
    store(analyst, {"text": RISKY, "account": "a"}, {"text": REWRITTEN.format(phone="0812-3456-7890")})
    assert ScreenedPost.objects.values("campaign").distinct().count() == 1


def test_a_rewritten_offer_with_another_contact_is_another_campaign(analyst):
    store(analyst, {"text": RISKY, "account": "a"}, {"text": REWRITTEN.format(phone="0857-1111-2222")})
    assert ScreenedPost.objects.values("campaign").distinct().count() == 2


def test_contacts_are_kept_as_entities_with_their_blind_index(analyst):
    store(
        analyst,
        {"text": RISKY, "account": "a"},
        {"text": "Kerja di Dubai, hubungi 0812-3456-7890 atau t.me/rekrut_cepat", "account": "b"},
    )
    from sinergi.people.identifiers import phone_index

    # Looked up by its blind index, the same key people.PersonPhone uses: no decryption needed to match.
    phone = Contact.objects.get(kind=ContactKind.PHONE, value_index=phone_index("+6281234567890"))
    assert phone.value == "+6281234567890"
    assert phone.post_count == 2
    assert phone.posts.count() == 2


def test_storing_the_same_posts_twice_stores_them_once(analyst):
    item = {"text": RISKY, "account": "akun1", "url": "https://facebook.com/p/1"}
    store(analyst, item)
    batch = store(analyst, item)
    assert ScreenedPost.objects.count() == 1
    assert batch.duplicate_count == 1 and batch.stored_count == 0


def test_an_invalid_item_refuses_the_whole_batch(analyst):
    with pytest.raises(ApplicationError) as info:
        store(analyst, {"text": RISKY}, {"text": ""}, {"text": SAFE, "posted_at": "kemarin"}, "not an object")
    assert info.value.code == "invalid_lines"
    lines = info.value.fields["lines"]
    assert [line.split(":")[0] for line in lines] == ["2", "3", "4"]
    assert not ScreenedPost.objects.exists() and not PostBatch.objects.exists()


def test_a_megabyte_text_is_refused_with_a_message(analyst):
    with pytest.raises(ApplicationError) as info:
        store(analyst, {"text": "gaji besar " * 100_000})
    assert "20000" in info.value.fields["lines"][0].replace(".", "").replace(",", "")
    assert not ScreenedPost.objects.exists()


def test_only_reviewers_may_store(case_worker, read_only):
    for user in (case_worker, read_only):
        with pytest.raises(PermissionDenied):
            store(user, {"text": RISKY})
    assert not ScreenedPost.objects.exists()


def test_cli_results_are_stored_as_given(analyst):
    from sinergi.detection.engine import screen

    result = screen(RISKY)
    batch = services.post_store_batch(
        actor=None,
        results=[({"text": RISKY, "id": "line-1"}, result)],
        source=PostSource.CLI,
        errors=[{"line": 2, "message": "not valid JSON"}],
    )
    post = ScreenedPost.objects.get()
    assert post.score == pytest.approx(result.score, abs=1e-4)
    assert post.source == PostSource.CLI and post.created_by is None
    assert batch.errors == [{"line": 2, "message": "not valid JSON"}]


# ------------------------------------------------------------------------------------------ uploads


def jsonl(*objects, extra_lines=()):
    lines = [json.dumps(o, ensure_ascii=False) for o in objects] + list(extra_lines)
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """post_upload, then the background task it queues (run at once by the test task backend)."""

    def run(actor, name, data):
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.post_upload(actor=actor, name=name, data=data)
        batch.refresh_from_db()
        return batch

    return run


def test_upload_jsonl_stores_everything(analyst, upload):
    data = jsonl({"text": RISKY, "id": "1"}, {"text": SAFE, "id": "2", "posted_at": "2026-11-02"})
    batch = upload(analyst, "posts.jsonl", data)
    assert batch.status == BatchStatus.DONE and not batch.upload
    assert batch.stored_count == 2 and batch.source == PostSource.UPLOAD and batch.filename == "posts.jsonl"


def test_upload_with_broken_lines_stores_nothing_and_names_the_lines(analyst):
    data = jsonl({"text": RISKY}, {"text": SAFE}, extra_lines=['{"text": "unterminated', "", '{"id": 5}'])
    with pytest.raises(ApplicationError) as info:
        services.post_upload(actor=analyst, name="posts.jsonl", data=data)
    assert [line.split(":")[0] for line in info.value.fields["lines"]] == ["3", "5"]
    assert not ScreenedPost.objects.exists() and not Campaign.objects.exists()


def test_upload_csv_reports_the_physical_line_of_a_bad_row(analyst, upload):
    data = (
        f'id,text,platform\n1,"Lowongan kerja\nmultiline",facebook\n2,,tiktok\n3,"{SAFE}",instagram\n'
    ).encode()
    with pytest.raises(ApplicationError) as info:
        services.post_upload(actor=analyst, name="posts.csv", data=data)
    assert [line.split(":")[0] for line in info.value.fields["lines"]] == ["4"]
    ok = f'text,account\n"{RISKY}",akun1\n"{SAFE}",akun2\n'.encode()
    batch = upload(analyst, "posts.csv", ok)
    assert batch.stored_count == 2


def test_upload_semicolon_csv_and_json_array(analyst, upload):
    semicolon = f'text;account\n"{RISKY}";akun1\n"{SAFE}";akun2\n'.encode()
    assert upload(analyst, "excel.csv", semicolon).stored_count == 2
    array = json.dumps([{"text": RISKY, "account": "x"}, {"text": ""}]).encode()
    with pytest.raises(ApplicationError) as info:
        services.post_upload(actor=analyst, name="posts.json", data=array)
    assert info.value.fields["lines"][0].startswith("2:")
    assert ScreenedPost.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("posts.xlsx", b"PK\x03\x04 binary", "unsupported_file_type"),
        ("posts.jsonl", b"\x00\x01\x02\x03binary junk", "binary_file"),
        ("posts.csv", "text\nGaji besar di Malaysia\n".encode("utf-16"), "binary_file"),
        ("posts.csv", "text\nLowongan di Brunéi\n".encode("latin-1"), "bad_encoding"),
        ("posts.csv", b"", "empty_file"),
        ("posts.csv", b"isi,akun\nhalo,a\n", "csv_header"),
        ("posts.json", b'[{"text": "a"', "invalid_json"),
        ("posts.json", b"[]", "empty_batch"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_store_nothing(analyst, name, data, code):
    with pytest.raises(ApplicationError) as info:
        services.post_upload(actor=analyst, name=name, data=data)
    assert info.value.code == code
    assert not ScreenedPost.objects.exists() and not PostBatch.objects.exists()


def test_oversized_upload_is_refused(analyst, monkeypatch):
    monkeypatch.setattr(services.parsing, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ApplicationError) as info:
        services.post_upload(actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}, {"text": SAFE}))
    assert info.value.code == "file_too_large"


def test_an_upload_waits_for_the_worker_which_stores_it_once(analyst):
    batch = services.post_upload(
        actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}, {"text": SAFE})
    )
    # Checked and queued: nothing screened yet, the file kept in the protected storage until the worker runs.
    assert batch.status == BatchStatus.QUEUED and batch.total_count == 2 and batch.upload
    assert not ScreenedPost.objects.exists()
    assert batch.upload.name.startswith("detection/uploads/") and "posts" not in batch.upload.name
    stored_file = batch.upload.path
    done = services.post_upload_process(batch_id=batch.pk)
    assert done.status == BatchStatus.DONE and done.stored_count == 2
    assert not done.upload and not os.path.exists(stored_file)
    again = services.post_upload_process(batch_id=batch.pk)  # a task run twice changes nothing
    assert again.status == BatchStatus.DONE and ScreenedPost.objects.count() == 2


def test_an_upload_left_running_by_a_killed_worker_is_stored_by_the_re_run(analyst):
    batch = services.post_upload(
        actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}, {"text": SAFE})
    )
    # What a worker killed in the middle leaves: the batch claimed, nothing stored (one transaction).
    PostBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    done = services.post_upload_process(batch_id=batch.pk)
    assert done.status == BatchStatus.DONE and done.stored_count == 2 and not done.upload
    assert ScreenedPost.objects.count() == 2


def test_an_upload_the_worker_cannot_store_fails_whole_and_says_why(analyst):
    batch = services.post_upload(
        actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}, {"text": SAFE})
    )
    analyst.roles.all().delete()  # the uploader lost the analyst role before the worker ran
    failed = services.post_upload_process(batch_id=batch.pk)
    assert failed.status == BatchStatus.FAILED and "tidak lagi" in failed.failure
    assert not ScreenedPost.objects.exists() and not failed.upload


def test_lines_the_worker_refuses_are_kept_on_the_batch(analyst, monkeypatch):
    batch = services.post_upload(
        actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}, {"text": SAFE}, {"text": RISKY + "!"})
    )
    monkeypatch.setattr(services.uploads, "MAX_ITEMS_PER_UPLOAD", 2)  # the limit fell while the file waited
    failed = services.post_upload_process(batch_id=batch.pk)
    assert failed.status == BatchStatus.FAILED and "tidak sah" in failed.failure
    assert [e["line"] for e in failed.errors] == [3] and "2" in failed.errors[0]["message"]
    assert not ScreenedPost.objects.exists()


def test_stale_uploads_are_queued_again(analyst):
    from datetime import timedelta

    batch = services.post_upload(actor=analyst, name="posts.jsonl", data=jsonl({"text": RISKY}))
    PostBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, created_at=timezone.now() - timedelta(hours=2)
    )
    assert services.post_uploads_resume(older_than_minutes=30) == 1  # the test backend runs the task at once
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.stored_count == 1
    assert services.post_uploads_resume(older_than_minutes=30) == 0


# ------------------------------------------------------------------------------------------ reviews


def test_confirming_a_campaign_updates_its_posts_audits_and_retrains(
    analyst, retrain_calls, django_capture_on_commit_callbacks
):
    store(analyst, {"text": RISKY, "account": "a"}, {"text": RISKY + " !!", "account": "b"})
    campaign = Campaign.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review = services.campaign_review(
            actor=analyst, campaign_id=campaign.pk, decision="confirm", reason="Kamboja, visa turis"
        )
    campaign.refresh_from_db()
    assert campaign.status == ReviewStatus.CONFIRMED
    assert set(campaign.posts.values_list("status", flat=True)) == {ReviewStatus.CONFIRMED}
    assert review.analyst == analyst and review.agency == analyst.agency
    assert AuditEntry.objects.filter(object_type="detection.campaign", action="transition").count() == 1
    assert len(callbacks) == 1
    # The retraining task ran (immediate backend in tests) with the confirmed text as one "risky" example:
    # the two reposts have the same normalised wording, so they count once.
    assert len(retrain_calls) == 1
    assert [e["label"] for e in retrain_calls[0]] == ["risky"]
    assert retrain_calls[0][0]["text"].startswith(RISKY)


def test_a_campaign_is_decided_once(analyst, other_analyst):
    store(analyst, {"text": RISKY})
    campaign = Campaign.objects.get()
    services.campaign_review(actor=analyst, campaign_id=campaign.pk, decision="dismiss", reason="iklan resmi")
    with pytest.raises(ConflictError):
        services.campaign_review(actor=other_analyst, campaign_id=campaign.pk, decision="confirm", reason="x")
    assert Review.objects.count() == 1


def test_review_needs_a_reason_and_a_known_decision(analyst):
    store(analyst, {"text": RISKY})
    campaign = Campaign.objects.get()
    with pytest.raises(ApplicationError):
        services.campaign_review(actor=analyst, campaign_id=campaign.pk, decision="confirm", reason="  ")
    with pytest.raises(ApplicationError):
        services.campaign_review(actor=analyst, campaign_id=campaign.pk, decision="maybe", reason="x")
    assert not Review.objects.exists()


def test_a_post_decision_overrides_its_campaign_and_new_reposts_follow_the_campaign(analyst):
    store(analyst, {"text": RISKY, "account": "a"}, {"text": RISKY + " !!", "account": "b"})
    campaign = Campaign.objects.get()
    post_b = campaign.posts.get(account="b")
    services.post_review(actor=analyst, post_id=post_b.pk, decision="dismiss", reason="akun resmi BP3MI")
    services.campaign_review(
        actor=analyst, campaign_id=campaign.pk, decision="confirm", reason="modus Kamboja"
    )
    post_b.refresh_from_db()
    assert post_b.status == ReviewStatus.DISMISSED
    assert campaign.posts.get(account="a").status == ReviewStatus.CONFIRMED
    store(analyst, {"text": RISKY + " ✅", "account": "c"})
    assert ScreenedPost.objects.get(account="c").status == ReviewStatus.CONFIRMED


def test_case_workers_cannot_review(case_worker, analyst):
    store(analyst, {"text": RISKY})
    campaign = Campaign.objects.get()
    with pytest.raises(PermissionDenied):
        services.campaign_review(actor=case_worker, campaign_id=campaign.pk, decision="confirm", reason="x")
    assert not Review.objects.exists()


def test_retraining_is_skipped_cleanly_without_the_learned_layer(analyst, monkeypatch):
    from sinergi.detection import tasks

    monkeypatch.setattr(tasks, "_train_and_save", lambda: None)
    result = tasks.retrain_detection_model.call()
    assert result["status"] == "skipped"


def test_a_rejected_model_leaves_the_deployed_one(analyst, monkeypatch):
    from sinergi.detection import tasks

    def reject(*, extra_examples):
        raise ValueError("held-out macro F1 below the rules alone")

    monkeypatch.setattr(tasks, "_train_and_save", lambda: reject)
    result = tasks.retrain_detection_model.call()
    assert result["status"] == "rejected" and "held-out" in result["reason"]


def test_reviewed_examples_count_a_campaign_once(analyst):
    store(analyst, {"text": RISKY, "account": "a"}, {"text": RISKY, "account": "b"}, {"text": SAFE})
    for campaign in Campaign.objects.all():
        decision = "confirm" if campaign.post_count == 2 else "dismiss"
        services.campaign_review(actor=analyst, campaign_id=campaign.pk, decision=decision, reason="cek")
    from sinergi.detection.tasks import reviewed_examples

    examples = reviewed_examples()
    assert sorted(e["label"] for e in examples) == ["risky", "safe"]


def test_a_burst_of_reviews_queues_one_deferred_retraining(
    analyst, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from sinergi.detection.tasks import retrain_detection_model

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
    }
    store(analyst, {"text": RISKY}, {"text": SAFE})
    for campaign in Campaign.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_review(actor=analyst, campaign_id=campaign.pk, decision="confirm", reason="cek")
    queued = DBTaskResult.objects.filter(task_path=retrain_detection_model.module_path)
    assert queued.count() == 1
    assert queued.get().run_after > timezone.now()
