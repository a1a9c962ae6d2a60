"""The task worker is given the boundaries ahead: an export due at each
(run_after), planned again when they move, not held back by the export
throttle; the export at a boundary shows the state after it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plumbing.mirror import mirror_boundary_export_task
from plumbing.models import MirrorExport
from tests.factories import make_event, make_session

pytestmark = pytest.mark.django_db(transaction=True)

BOUNDARY_TASK = mirror_boundary_export_task.module_path


@pytest.fixture
def worker_backend(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MIRROR_EXPORT_DIR = str(tmp_path / "mirror")
    settings.MIRROR_EXPORT_SECONDS = 3600  # a content export waits an hour: boundaries do not
    return tmp_path / "mirror"


def _planned():
    plan = MirrorExport.objects.get().plan
    rows = DBTaskResult.objects.filter(task_path=BOUNDARY_TASK, status="READY").order_by("run_after")
    return [row.run_after for row in rows if row.args_kwargs["kwargs"]["plan"] == plan]


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


def test_boundaries_ahead_are_given_to_the_worker_and_planned_again_when_they_move(worker_backend):
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    event = make_event(slug="ahead", start=start, end=start + timedelta(hours=2))
    session = make_session(event, start=start, end=start + timedelta(hours=1))
    assert _planned() == [start, start + timedelta(hours=1), start + timedelta(hours=2)]
    rows_before = DBTaskResult.objects.filter(task_path=BOUNDARY_TASK).count()

    event.tagline_en = "A text changed: the boundaries did not"
    event.save()
    assert DBTaskResult.objects.filter(task_path=BOUNDARY_TASK).count() == rows_before

    session.end = start + timedelta(minutes=40)
    session.save()
    assert _planned() == [start, start + timedelta(minutes=40), start + timedelta(hours=2)]


def test_an_export_at_a_boundary_runs_past_the_throttle_and_an_old_plan_does_nothing(worker_backend):
    start = timezone.now() + timedelta(hours=1)
    event = make_event(slug="soon", start=start, end=start + timedelta(hours=2))
    _work()  # the first content export
    first = MirrorExport.objects.get().started_at
    page = worker_backend / "en" / "events" / "soon" / "index.html"
    assert "Upcoming" in page.read_text()
    old_plan = MirrorExport.objects.get().plan
    event.start = start - timedelta(minutes=90)  # it began half an hour ago
    event.save()
    assert MirrorExport.objects.get().plan == old_plan + 1
    # The boundary (the forum's new start, now past) is due: its export runs, though a content export waits an hour.
    DBTaskResult.objects.filter(task_path=BOUNDARY_TASK).update(run_after=timezone.now())
    _work()
    assert MirrorExport.objects.get().started_at == first  # the throttled content export did not run
    assert "Live now" in page.read_text()
    stale = DBTaskResult.objects.filter(task_path=BOUNDARY_TASK, args_kwargs__kwargs__plan=old_plan)
    assert stale.exists()
    assert set(stale.values_list("status", flat=True)) == {"SUCCESSFUL"}
