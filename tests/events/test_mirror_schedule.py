"""The mirror stays fresh: the task worker re-exports after every change, at
most once every MIRROR_EXPORT_SECONDS, never within a visitor's request."""

import io
from datetime import timedelta

import pytest
from django.core import checks
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plumbing.mirror import mirror_export_task
from plumbing.models import MirrorExport
from registrations import services
from registrations.models import Signature
from tests.factories import make_declaration, make_event, make_signature

pytestmark = pytest.mark.django_db(transaction=True)

TASK = mirror_export_task.module_path


@pytest.fixture
def worker_backend(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    settings.MIRROR_EXPORT_SECONDS = 60
    return tmp_path / "mirror"


def _queued():
    return list(DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("enqueued_at"))


def _work():
    """The worker runs every task that is due, then stops."""
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_edit_is_exported_by_the_worker_not_the_request(client, worker_backend):
    event = make_event(title_en="Before the edit")
    (task,) = _queued()
    assert not worker_backend.exists()  # nothing exported within the request that saved it
    _work()
    page = worker_backend / "en" / "events" / event.slug / "index.html"
    assert "Before the edit" in page.read_text()

    event.title_en = "After the edit"
    event.save()
    (task,) = _queued()
    started = MirrorExport.objects.get().started_at
    assert task.run_after == started + timedelta(seconds=60)  # not sooner than a minute after the last
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())  # a minute later
    _work()
    assert "After the edit" in page.read_text()
    assert _queued() == []


def test_a_burst_of_confirmations_is_one_export_per_interval_with_the_last_count(worker_backend):
    event = make_event()
    declaration = make_declaration(event)
    _work()
    first = MirrorExport.objects.get().started_at
    pending = [make_signature(declaration, status=Signature.Status.UNCONFIRMED, confirmed_at=None) for _ in range(100)]
    DBTaskResult.objects.exclude(task_path=TASK).delete()  # queued mail is another test's subject

    for signature in pending:
        services.person_confirm(person=signature)

    (task,) = _queued()
    assert task.run_after == first + timedelta(seconds=60)
    _work()  # not due yet: nothing runs
    assert MirrorExport.objects.get().started_at == first
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())
    _work()
    assert MirrorExport.objects.get().started_at > first
    page = (worker_backend / "en" / "events" / event.slug / "declaration" / "index.html").read_text()
    assert "100 signatures" in page
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2  # the first export and the burst's one


def test_a_change_after_an_export_started_is_exported_next(worker_backend):
    event = make_event(title_en="First")
    _work()
    event.title_en = "Second"
    event.save()
    event.title_en = "Third"
    event.save()
    (task,) = _queued()
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())
    _work()
    assert "Third" in (worker_backend / "en" / "events" / event.slug / "index.html").read_text()


def test_nothing_is_queued_without_a_mirror_directory(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = ""
    make_event()
    assert _queued() == []


def test_with_the_immediate_backend_nothing_is_exported_in_a_request(settings, tmp_path):
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    make_event()
    assert not (tmp_path / "mirror").exists()


def test_system_check_warns_of_the_immediate_backend(settings, tmp_path):
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    messages = checks.run_checks()
    assert [m.id for m in messages if m.id.startswith("plumbing.")] == ["plumbing.W001"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert [m.id for m in checks.run_checks() if m.id.startswith("plumbing.")] == []
    settings.MIRROR_EXPORT_DIR = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert [m.id for m in checks.run_checks() if m.id.startswith("plumbing.")] == []


def test_an_export_queued_under_the_old_path_still_runs(worker_backend):
    """A task queued before the exporter moved to plumbing names
    `events.mirror.mirror_export_task`; the worker still runs it."""
    event = make_event(title_en="Queued before the move")
    (task,) = _queued()
    DBTaskResult.objects.filter(pk=task.pk).update(task_path="events.mirror.mirror_export_task")
    _work()
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"
    page = worker_backend / "en" / "events" / event.slug / "index.html"
    assert "Queued before the move" in page.read_text()


def test_the_worker_exports_at_start_with_a_changed_onion_address_and_mirrors(worker_backend, settings):
    """deploy/forum-site-mail.service runs `manage.py mirror_export_schedule` before the
    worker: a restart after ONION_URL or MIRROR_URLS changed re-exports, though no
    content changed."""
    event = make_event()
    _work()
    page = worker_backend / "en" / "events" / event.slug / "index.html"
    assert "mirror.example.net" not in page.read_text()
    # The operator adds a mirror and an onion address, and restarts the units.
    settings.ONION_URL = "http://" + "b" * 56 + ".onion"
    settings.MIRROR_URLS = ["https://mirror.example.net/m/"]
    MirrorExport.objects.update(started_at=timezone.now() - timedelta(seconds=61))  # a minute on
    call_command("mirror_export_schedule", stdout=io.StringIO())
    _work()
    assert "https://mirror.example.net/m/" in page.read_text()
    assert "b" * 56 + ".onion" in page.read_text()
    assert _queued() == []


def test_the_start_hook_does_nothing_without_a_mirror(settings):
    settings.MIRROR_EXPORT_DIR = ""
    out = io.StringIO()
    call_command("mirror_export_schedule", stdout=out)
    assert "no mirror" in out.getvalue()
    assert _queued() == []
