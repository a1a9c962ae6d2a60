"""Two hosts' workers and one mirror: one export at a time on PostgreSQL (an
advisory lock every host sees), a burst exported once, no change lost, and
the copy published from whichever host exported."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plumbing import mirror
from plumbing.models import MirrorExport
from tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)

TASK = mirror.mirror_export_task.module_path


@pytest.fixture
def exports(settings, tmp_path, monkeypatch):
    """Every export that really ran, in order; the first one waits, inside
    the lock, until `release` is set (another host's export, still running)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    done, started, release = [], threading.Event(), threading.Event()
    real = mirror.mirror_export

    def export(*, directory):
        done.append(threading.get_ident())
        started.set()
        assert release.wait(timeout=60)
        return real(directory=directory)

    monkeypatch.setattr(mirror, "mirror_export", export)
    return done, started, release


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's (SQLite runs on one host, with the file lock)")


def _race(queued_first, queued_second, exports):
    """The first host's worker starts its export; while it runs, the second's
    task comes up. Returns the tasks left queued by the second."""
    done, started, release = exports
    first = threading.Thread(target=lambda: _call(queued_first))
    first.start()
    try:
        assert started.wait(timeout=60)
        mirror.mirror_export_task.call(queued=queued_second.isoformat())  # another worker, another connection
        assert len(done) == 1  # it did not export beside the running one
    finally:
        release.set()
        first.join(timeout=60)
    return list(DBTaskResult.objects.filter(task_path=TASK, status="READY"))


def _call(queued):
    try:
        mirror.mirror_export_task.call(queued=queued.isoformat())
    finally:
        connection.close()


def _work_due():
    DBTaskResult.objects.filter(task_path=TASK, status="READY").update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


def test_two_workers_racing_one_burst_export_once(exports):
    _postgres_only()
    make_event(title_en="Racing")
    DBTaskResult.objects.all().delete()
    queued = timezone.now() - timedelta(seconds=1)  # one burst, queued once before either started
    (retry,) = _race(queued, queued, exports)
    assert retry.run_after > timezone.now()  # runs after the running export, not beside it
    _work_due()
    done = exports[0]
    assert len(done) == 1  # the export that started after the burst was queued covered it
    assert "Racing" in (mirror.Path(mirror.settings.MIRROR_EXPORT_DIR) / "en" / "index.html").read_text()


def test_a_change_queued_while_another_host_exports_is_exported_after_it(exports):
    _postgres_only()
    make_event(title_en="Before")
    DBTaskResult.objects.all().delete()
    first_queued = timezone.now() - timedelta(seconds=1)
    MirrorExport.objects.update_or_create(pk=1, defaults={"started_at": None})
    # The second task was queued after the first export started (it saw a later change).
    done, started, release = exports
    first = threading.Thread(target=lambda: _call(first_queued))
    first.start()
    try:
        assert started.wait(timeout=60)
        second_queued = timezone.now()
        mirror.mirror_export_task.call(queued=second_queued.isoformat())
        assert len(done) == 1
    finally:
        release.set()
        first.join(timeout=60)
    _work_due()
    assert len(done) == 2  # the later change is exported, after the first export


def test_the_host_that_exported_publishes_to_the_one_place(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    settings.MIRROR_PUBLISH_COMMAND = f"cp -rL {tmp_path / 'mirror'} '{tmp_path / 'published copy'}'"
    make_event(title_en="Published")
    mirror.mirror_export_task.call(queued=timezone.now().isoformat())
    assert "Published" in (tmp_path / "published copy" / "index.html").read_text()


def test_a_publish_command_that_fails_is_logged_without_its_output(settings, tmp_path, caplog):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    settings.MIRROR_PUBLISH_COMMAND = "sh -c 'echo secret-host-name >&2; exit 3'"
    make_event()
    mirror.mirror_export_task.call(queued=timezone.now().isoformat())
    assert (tmp_path / "mirror" / "index.html").exists()  # the export stands
    assert "MIRROR_PUBLISH_COMMAND failed with exit status 3" in caplog.text
    assert "secret-host-name" not in caplog.text
