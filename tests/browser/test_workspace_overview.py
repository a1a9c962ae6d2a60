"""The Editor's overview in Chromium, in Russian: axe-core (vendored in
tests/vendor/, nothing downloaded) finds no colour-contrast violation, and
no word in the overview's cells is broken across lines, even on a narrow
window."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.test_workspace import _log_in, _staff
from tests.factories import make_accreditation, make_event, make_registration

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"


def _axe(page, rules):
    """Run axe in the page. Injected through the browser's debugging protocol,
    not as a <script> (the site's CSP rightly refuses inline scripts)."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})"
        ".then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))",
        rules,
    )


def _broken_words(page):
    """Labels and numbers in the overview's cells drawn on more than one line."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.overview-table .overview-label, .overview-table .overview-count')]
            .filter(el => el.getClientRects().length > 1).map(el => el.textContent)"""
    )


def test_editors_overview_passes_colour_contrast_and_keeps_words_whole(site_url, page_for):
    code = _staff("editor", "Editors")
    event = make_event(
        title_en="Week against Torture", title_ru="Неделя против пыток", start=timezone.now() + timedelta(days=5)
    )
    make_accreditation(event, capacity=3)
    for status in ("pending", "approved", "waitlisted", "rejected"):
        make_registration(event, status=status)
    page = page_for(locale="ru-RU")
    _log_in(page, site_url, "editor", code)
    caption = page.locator(f"#forum-{event.pk} caption a")
    assert caption.text_content() == "Неделя против пыток"

    assert _axe(page, ["color-contrast"]) == []
    for width in (1280, 760):
        page.set_viewport_size({"width": width, "height": 900})
        assert _broken_words(page) == [], width
    labels = page.locator(f"#forum-{event.pk} .overview-media .overview-label").all_text_contents()
    assert len(labels) == 5
