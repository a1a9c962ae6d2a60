import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from events.models import Event

DEMO_SLUG = "new-belarus-against-torture"


@pytest.fixture(scope="session", autouse=True)
def _collected_static(tmp_path_factory):
    """Tests run as production does: whitenoise's manifest storage over
    collected files, so every {% static %} in every template must resolve."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def demo_event(db):
    call_command("load_demo", stdout=io.StringIO())
    return Event.objects.get(slug=DEMO_SLUG)
