"""Dates read as a person writes them: the genitive month in a Russian or
Belarusian date, the official Belarusian orthography («верасня», not
«верасьня»), the year with «г.», on pages and in mail."""

from datetime import datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from events.localtime import describe_range, format_date
from tests.factories import MINSK, make_accreditation, make_event, make_session
from tests.html import soup, text
from tests.mailserver import subject

GENITIVE = {
    "be": "студзеня лютага сакавіка красавіка мая чэрвеня ліпеня жніўня верасня кастрычніка лістапада снежня",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
NOMINATIVE = {
    "be": "студзень люты сакавік красавік май чэрвень ліпень жнівень верасень кастрычнік лістапад снежань",
    "ru": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь",
}
MONTHS = [(lang, month, name) for lang in ("be", "ru") for month, name in enumerate(GENITIVE[lang].split(), 1)]


def _render(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("lang", "month", "name"), MONTHS)
def test_date_filter_spells_every_month_in_the_genitive(lang, month, name):
    day = datetime(2027, month, 10, 16, 0, tzinfo=MINSK)
    with translation.override(lang):
        assert _render('{{ day|date:"DATE_FORMAT" }}', day=day) == f"10 {name} 2027 г."
        assert _render('{{ day|date:"MONTH_DAY_FORMAT" }}', day=day) == f"10 {name}"
        assert format_date(day, "Europe/Minsk") == f"10 {name} 2027 г."


@pytest.mark.parametrize("lang", ["be", "ru"])
def test_month_headings_use_the_nominative(lang):
    with translation.override(lang):
        headings = [_render('{{ day|date:"YEAR_MONTH_FORMAT" }}', day=datetime(2027, m, 1)) for m in range(1, 13)]
    assert headings == [f"{name} 2027 г." for name in NOMINATIVE[lang].split()]


def test_belarusian_time_range_reads_10_sakavika():
    start = datetime(2027, 3, 10, 16, 0, tzinfo=MINSK)
    with translation.override("be"):
        sentence = describe_range(start, start + timedelta(hours=3), "Europe/Minsk")
    assert sentence.startswith("10 сакавіка 2027 г., 16:00–19:00 ")


@pytest.mark.django_db
def test_belarusian_event_page_spells_september_and_december_officially(client):
    event = make_event(start=datetime(2027, 9, 10, 16, 0, tzinfo=MINSK))
    make_session(event, start=event.start)
    make_session(event, start=datetime(2027, 12, 24, 10, 0, tzinfo=MINSK))
    event.end = datetime(2027, 12, 24, 12, 0, tzinfo=MINSK)
    event.save()
    response = client.get(f"/be/events/{event.slug}/")
    page = soup(response)
    assert [text(h) for h in page.select("#schedule-title ~ h3")] == ["10 верасня 2027 г.", "24 снежня 2027 г."]
    assert text(page.select_one(".event-when time")).startswith("10 верасня 2027 г., 16:00 – 24 снежня 2027 г., 12:00 ")
    html = response.content.decode()
    assert "верасьня" not in html
    assert "сьнежня" not in html


@pytest.mark.django_db
def test_belarusian_mail_spells_the_forums_date_in_the_genitive(client, mail_server):
    start = (timezone.now() + timedelta(days=400)).astimezone(MINSK).replace(month=5, day=9, hour=16, minute=0)
    event = make_event(start=start, slug="may-forum")
    make_accreditation(event)
    form = {
        "name": "Алесь Журналіст",
        "outlet": "Наша Ніва",
        "role": "journalist",
        "country": "LT",
        "email": "ales@example.org",
        "work_url": "https://nashaniva.example/article/1",
        "languages": ["be"],
        "mail_language": "be",
        "consent": "on",
    }
    assert client.post(f"/be/events/{event.slug}/media/", form).status_code == 302
    (message,) = mail_server.to("ales@example.org")
    assert subject(message).startswith("Пацвердзіце рэгістрацыю для СМІ")
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert [line for line in lines if line.startswith("9 ")] == [
        f"9 мая {start.year} г., 16:00–19:00 па мінскім часе (UTC+03:00)"
    ]
