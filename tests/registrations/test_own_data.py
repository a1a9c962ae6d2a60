"""A person's data is their own (R9, R10, O4), tested the way each failure
was found: through the public forms and a real SMTP server, on both flows."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from registrations import services
from registrations.mailbox import email_digest, normalise_email
from registrations.models import AuditEntry, Declaration, MediaRegistration, OutgoingMail, Signature
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text
from tests.mailserver import link_in, subject

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


@pytest.fixture(autouse=True)
def _many_submissions_allowed(settings):
    """These tests are about the mailbox, not the per-address rate limit."""
    settings.RATE_LIMIT_SUBMIT = (1000, 600)


def _media(event):
    return {
        "model": MediaRegistration,
        "form": f"/en/events/{event.slug}/media/",
        "confirm": "/en/media/confirm/",
        "adversary": {
            "name": "Xavier Adversary",
            "outlet": "Fake Outlet Daily",
            "role": "blogger",
            "country": "RU",
            "email": VICTIM,
            "phone": "+7 999 000 11 22",
            "work_url": "https://adversary.example/press-card",
            "interview_request": "Meet me at the adversary's place",
            "mail_language": "en",
            "consent": "on",
        },
        "victim": {
            "name": "Vera Victim",
            "outlet": "Honest Radio",
            "role": "journalist",
            "country": "LT",
            "email": "Victim@Example.org",
            "phone": "",
            "work_url": "https://honest.example/vera",
            "mail_language": "en",
            "consent": "on",
        },
        "public": None,
    }


def _declaration(event):
    return {
        "model": Signature,
        "form": f"/en/events/{event.slug}/declaration/sign/",
        "confirm": "/en/declaration/confirm/",
        "adversary": {
            "name": "Xavier Adversary",
            "country": "RU",
            "organisation": "Adversary Org",
            "email": VICTIM,
            "visibility": "full",
            "mail_language": "en",
            "consent": "on",
        },
        "victim": {
            "name": "Vera Victim",
            "country": "BY",
            "organisation": "",
            "email": "Victim@Example.org",
            "visibility": "hidden",
            "mail_language": "en",
            "consent": "on",
        },
        "public": f"/en/events/{event.slug}/declaration/",
    }


@pytest.fixture(params=[_media, _declaration], ids=["media", "declaration"])
def flow(request):
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    make_declaration(event, review_names=False)  # a listed name would show at once
    return request.param(event)


def _stored(flow):
    (row,) = flow["model"].objects.all()
    return row


def _typed(data):
    """What a person typed that must never travel in a mail before confirmation."""
    return [value for key, value in data.items() if key not in ("email", "mail_language", "consent", "country", "role")]


# --- the attack as it was found ------------------------------------------------------


def _confirm_fields(page):
    """What the confirm button sends: the link's token and the version shown."""
    form = page.select_one("form.confirm-form")
    return form["action"], {name: form.select_one(f"input[name={name}]")["value"] for name in ("t", "version")}


def test_the_owner_confirms_their_own_latest_data_not_the_first_submitters(client, flow, mail_server):
    client.post(flow["form"], flow["adversary"])
    client.post(flow["form"], flow["victim"])
    # One mail for this form today, sent on the adversary's submission; its
    # link now shows the victim's own data.
    (mail,) = mail_server.messages
    link = link_in(mail, flow["confirm"])

    # The confirm page shows exactly what will be confirmed: the victim's own data.
    page = soup(client.get(link))
    details = text(page.select_one(".confirm-details"))
    assert "Vera Victim" in details
    assert "Xavier" not in details
    assert "changed 1 time since this link was sent" in text(page.select_one(".confirm-changes"))
    action, fields = _confirm_fields(page)
    response = client.post(action, fields)
    assert response.status_code == 200

    stored = _stored(flow)
    assert stored.is_confirmed
    for key, value in flow["victim"].items():
        if key not in ("consent", "email"):
            assert getattr(stored, key) == value, key
    if flow["public"]:
        assert "Xavier" not in client.get(flow["public"]).content.decode()
    # No mail to the victim carries anything the adversary typed.
    for message in mail_server.messages:
        body = message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()
        for value in _typed(flow["adversary"]):
            assert value not in body


def test_the_confirm_page_corrects_before_confirming(client, flow, mail_server):
    client.post(flow["form"], flow["adversary"])
    link = link_in(mail_server.messages[-1], flow["confirm"])
    form = soup(client.get(link)).select_one("form.confirm-form")
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    fields.update({"name": "Corrected Name"})
    for select in form.select("select[name]"):
        fields[select["name"]] = select.select_one("option[selected]")["value"]
    for radio in form.select("input[type=radio][checked]"):
        fields[radio["name"]] = radio["value"]
    client.post(form["action"], fields)
    stored = _stored(flow)
    assert (stored.name, stored.is_confirmed) == ("Corrected Name", True)


def test_a_confirmed_mailbox_is_not_changed_by_a_new_submission(client, flow, mail_server):
    client.post(flow["form"], flow["victim"])
    link = link_in(mail_server.messages[-1], flow["confirm"])
    assert client.post(*_confirm_fields(soup(client.get(link)))).status_code == 200
    client.post(flow["form"], flow["adversary"])
    assert _stored(flow).name == "Vera Victim"
    # The mail's link opens the owner's status page, not a confirm form.
    page = soup(client.get(link))
    assert page.select_one("form.confirm-form") is None
    assert page.select_one("form[action$='/withdraw/']") is not None


# --- mails before confirmation, and how many -----------------------------------------


def _without_links(message):
    return re.sub(r"\?t=\S+", "?t=…", message.get_body(("plain",)).get_content())


def test_new_and_known_addresses_get_the_same_mail(client, flow, mail_server):
    client.post(flow["form"], flow["victim"])
    new = mail_server.messages[-1]
    client.post(*_confirm_fields(soup(client.get(link_in(new, flow["confirm"])))))
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        client.post(flow["form"], flow["victim"])
    known = mail_server.messages[-1]
    assert subject(known) == subject(new)
    assert _without_links(known) == _without_links(new)
    assert "Vera" not in _without_links(new)


def test_ten_submissions_send_one_mail_whose_link_shows_the_last(client, flow, mail_server):
    for i in range(10):
        response = client.post(flow["form"], {**flow["victim"], "name": f"Name {i}"})
        assert response.status_code == 302  # the same answer every time
    assert len(mail_server.messages) == 1
    assert OutgoingMail.objects.count() == 1
    assert (_stored(flow).name, _stored(flow).version) == ("Name 9", 10)
    page = soup(client.get(link_in(mail_server.messages[0], flow["confirm"])))
    assert "Name 9" in text(page.select_one(".confirm-details"))
    assert "changed 9 times since this link was sent" in text(page.select_one(".confirm-changes"))
    # A day later the mailbox may get the next one.
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1), tick=False):
        client.post(flow["form"], {**flow["victim"], "name": "Name 10"})
    assert len(mail_server.messages) == 2
    assert "confirm-changes" not in client.get(link_in(mail_server.messages[1], flow["confirm"])).content.decode()


def test_one_mail_a_day_per_form_and_forum_and_no_other_ceiling(client, mail_server):
    events = [make_event(start=timezone.now() + timedelta(days=10)) for _ in range(3)]
    for event in events:
        make_accreditation(event)
        make_declaration(event)
    forms = [f(event) for event in events for f in (_media, _declaration)]
    for flow in forms + forms:  # each twice: by a stranger, then by the owner
        client.post(flow["form"], flow["victim"])
    assert len(mail_server.messages) == len(forms) == 6
    assert MediaRegistration.objects.count() + Signature.objects.count() == 6


def test_the_allowance_renews_after_a_day(flow):
    digest = email_digest(VICTIM)
    now = timezone.now()
    take = services.people.mailbox_allowance_take
    assert [take(digest=digest, thread="media:1", now=now) for _ in range(2)] == [True, False]
    assert take(digest=digest, thread="media:2", now=now)
    assert take(digest=digest, thread="declaration:1", now=now)
    assert take(digest=email_digest("other@example.org"), thread="media:1", now=now)
    assert take(digest=digest, thread="media:1", now=now + timedelta(hours=24, seconds=1))


# --- one mailbox, one record; text that cannot hide -----------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("alice@example.org", "ALICE@Example.ORG"),
        ("alice@example.org", '"alice"@example.org'),
        ("alice@gmail.com", "alice+news@gmail.com"),
        ("alice@outlook.com", "Alice+News@Outlook.com"),
        ("alice@exämple.org", "alice@xn--exmple-cua.org"),
        ("Alice@EXÄMPLE.org", '"alice"@xn--exmple-cua.org'),
    ],
)
def test_every_spelling_of_a_mailbox_is_one_record(client, flow, mail_server, first, second):
    assert normalise_email(first) == normalise_email(second)
    client.post(flow["form"], {**flow["victim"], "email": first})
    client.post(flow["form"], {**flow["victim"], "email": second})
    assert flow["model"].objects.count() == 1


def test_a_plus_is_an_ordinary_character_where_the_provider_does_not_deliver_sub_addresses(client, flow, mail_server):
    """At a domain that does not deliver `name+tag@` to `name@`, they are two
    mailboxes: a later submitter of `bob+mallory@` takes nothing of `bob@`."""
    assert normalise_email("bob+mallory@example.org") != normalise_email("bob@example.org")
    client.post(flow["form"], {**flow["victim"], "email": "bob@example.org"})
    client.post(flow["form"], {**flow["victim"], "name": "Mallory", "email": "bob+mallory@example.org"})
    rows = flow["model"].objects.order_by("pk")
    assert [(row.email, row.name) for row in rows] == [
        ("bob@example.org", flow["victim"]["name"]),
        ("bob+mallory@example.org", "Mallory"),
    ]
    assert len(mail_server.to("bob@example.org")) == 1


def test_stored_digests_are_recomputed_in_batches_and_a_rerun_changes_nothing(client, flow, mail_server):
    """Digests stored when `+tags` were folded everywhere are recomputed by
    the resumable command; a rerun reads every row and changes none."""
    from io import StringIO

    from django.core.management import call_command

    from registrations.mailbox import email_digest

    model = flow["model"]
    for n in range(5):
        client.post(flow["form"], {**flow["victim"], "email": f"person{n}+tag@example.org"})
    people = list(model.objects.order_by("pk"))
    assert len(people) == 5
    # As the earlier folding stored them: the digest without the `+tag`.
    for n, person in enumerate(people):
        model.objects.filter(pk=person.pk).update(email_digest=email_digest(f"person{n}@example.org"))
    out = StringIO()
    call_command("email_digests_recompute", batch=2, stdout=out)
    name = model._meta.model_name
    assert f"{name}: done, 5 read, 5 changed" in out.getvalue()
    assert f"{name}: 2 read, 2 changed, up to id {people[1].pk}" in out.getvalue()
    assert {row.email_digest for row in model.objects.all()} == {email_digest(p.email) for p in people}
    out = StringIO()
    call_command("email_digests_recompute", after=people[2].pk, stdout=out)
    assert f"{name}: done, 2 read, 0 changed" in out.getvalue()
    out = StringIO()
    call_command("email_digests_recompute", stdout=out)
    assert f"{name}: done, 5 read, 0 changed" in out.getvalue()


@pytest.mark.parametrize("character", ["\u202e", "\u200b", "\u2066", "\x07"])
def test_names_with_invisible_or_direction_changing_characters_are_refused(client, flow, character):
    data = {**flow["victim"], "name": f"Vera{character}Victim"}
    page = soup(client.post(flow["form"].replace("/en/", "/ru/"), data))
    assert flow["model"].objects.count() == 0
    errors = [text(e) for e in page.select(".invalid-feedback")]
    assert errors == ["Уберите из этого поля невидимые символы и символы, меняющие направление текста."]
    # What was typed is kept.
    assert page.select_one("input[name=outlet], input[name=organisation]") is not None


def test_an_address_with_an_invisible_character_is_refused(client, flow):
    client.post(flow["form"], {**flow["victim"], "email": "vic\u200btim@example.org"})
    assert flow["model"].objects.count() == 0


# --- names on the public list after review --------------------------------------------


def test_a_confirmed_signature_counts_at_once_and_is_listed_after_review(client, admin_client, admin_user):
    event = make_event(slug="reviewed")
    declaration = make_declaration(event)
    signature = make_signature(declaration, name="Waiting Name", name_accepted_at=None)
    page = soup(client.get("/en/events/reviewed/declaration/"))
    assert text(page.select_one(".signature-count")) == "1 signature"
    assert page.select(".signatory") == []
    assert "names appear here after an organiser has reviewed them" in text(page.select_one(".names-reviewed"))
    admin_client.post(
        reverse("admin:registrations_signature_changelist"),
        {"action": "accept_names", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert (signature.name_accepted_by, signature.name_accepted_at is not None) == (admin_user, True)
    page = soup(client.get("/en/events/reviewed/declaration/"))
    assert [text(li) for li in page.select(".signatory-name")] == ["Waiting Name"]


def test_a_declaration_without_review_lists_names_at_once(client):
    declaration = make_declaration(make_event(slug="trusted"), review_names=False)
    make_signature(declaration, name="Trusted Name", name_accepted_at=None)
    page = soup(client.get("/en/events/trusted/declaration/"))
    assert [text(li) for li in page.select(".signatory-name")] == ["Trusted Name"]
    assert page.select_one(".names-reviewed") is None


def test_a_corrected_name_waits_for_review_again(client):
    declaration = make_declaration(make_event(slug="again"))
    signature = make_signature(declaration, name="First Name")
    services.signature_correct(person=signature, data={"name": "Second Name"})
    signature.refresh_from_db()
    assert (signature.name, signature.name_accepted_at) == ("Second Name", None)
    assert soup(client.get("/en/events/again/declaration/")).select(".signatory") == []
    # Showing less than was accepted keeps the acceptance.
    signature = make_signature(declaration, name="Third Name")
    services.signature_correct(person=signature, data={"name": "Third Name", "visibility": "initials"})
    signature.refresh_from_db()
    assert signature.name_accepted_at is not None


def test_the_status_page_corrects_a_signature(client, mail_server):
    event = make_event(slug="status-fix")
    declaration = make_declaration(event)
    signature = make_signature(declaration, name="Old Name", organisation="Old Org")
    from registrations import links

    status = f"/en/declaration/signature/?t={links.make_token(links.STATUS, signature)}"
    form = soup(client.get(status)).select_one("form.correct-form")
    response = client.post(
        form["action"],
        {"t": form.select_one("input[name=t]")["value"], "correct": "1", "name": "New Name", "organisation": "",
         "country": "LT", "visibility": "initials"},
    )  # fmt: skip
    assert text(soup(response).select_one(".alert-success")) == "Your corrections are saved."
    signature.refresh_from_db()
    assert (signature.name, signature.organisation, signature.visibility, signature.country) == (
        "New Name",
        "",
        "initials",
        "LT",
    )


# --- staff see only confirmed people; exports are safe ---------------------------------


def test_unconfirmed_people_are_not_listed_exported_or_counted_for_staff(admin_client):
    event = make_event()
    make_accreditation(event)
    declaration = make_declaration(event)
    hidden = [
        make_registration(event, name="Unconfirmed Reporter", status="unconfirmed", confirmed_at=None),
        make_signature(declaration, name="Unconfirmed Signer", status="unconfirmed", confirmed_at=None),
    ]
    shown = [make_registration(event, name="Confirmed Reporter"), make_signature(declaration, name="Confirmed Signer")]
    for row, other in zip(hidden, shown, strict=True):
        changelist = reverse(f"admin:registrations_{row._meta.model_name}_changelist")
        page = admin_client.get(changelist).content.decode()
        assert other.name in page
        assert row.name not in page
        assert text(soup(admin_client.get(changelist)).select_one(".paginator")).startswith("1 ")
        response = admin_client.post(changelist, {"action": "export_csv", "_selected_action": [row.pk, other.pk]})
        exported = b"".join(response.streaming_content).decode("utf-8-sig")
        assert other.name in exported
        assert row.name not in exported
        change = reverse(f"admin:registrations_{row._meta.model_name}_change", args=[row.pk])
        assert admin_client.get(change).status_code == 302  # not found among what staff may see


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(admin_client):
    event = make_event(title_en='=HYPERLINK("https://evil.example")', start=timezone.now() + timedelta(days=3))
    make_accreditation(event)
    registration = make_registration(
        event,
        name="=cmd|' /C calc'!A0",
        outlet="+SUM(1,2)",
        phone="-1+1",
        interview_request="@mention\tthen",
        work_url="https://ok.example/a",
        mail_language="be",
        role="camera",
    )
    response = admin_client.post(
        reverse("admin:registrations_mediaregistration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert row["full name"] == "'=cmd|' /C calc'!A0"
    assert row["media outlet"] == "'+SUM(1,2)"
    assert row["phone"] == "'-1+1"
    assert row["interview request"] == "'@mention\tthen"
    assert row["event"] == '\'=HYPERLINK("https://evil.example")'
    assert row["language for e-mail"] == "Belarusian"
    assert row["role"] == "Camera operator"
    # Times in the forum's zone (Minsk), to the second.
    minsk = timezone.localtime(registration.created_at, event.zone)
    assert row["registered"] == minsk.strftime("%Y-%m-%d %H:%M:%S")


def test_the_personal_invitation_puts_the_personal_link_in_location(admin_user, mail_server):
    event = make_event(start=timezone.now() + timedelta(days=3))
    accreditation = make_accreditation(event, meeting_url="https://zoom.example.org/j/98765")
    registration = make_registration(event)
    services.registration_approve(registration=registration, by=admin_user)
    (message,) = mail_server.messages
    (attachment,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    (vevent,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert "/media/access/?t=" in str(vevent["LOCATION"])
    assert accreditation.meeting_url not in attachment.get_content()
    assert "Interpretation: channel 2" in str(vevent["DESCRIPTION"])


# --- every view of personal data is audited --------------------------------------------


def test_a_changelist_search_is_audited_without_the_search_term(admin_client, admin_user):
    event = make_event()
    make_registration(event, name="Searchable Person")
    make_registration(event, name="Other Person")
    AuditEntry.objects.all().delete()
    admin_client.get(reverse("admin:registrations_mediaregistration_changelist"), {"q": "searchable"})
    admin_client.get(reverse("admin:registrations_signature_changelist"))
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "model", "rows", "username"))
    assert entries == [
        ("search", "registrations.MediaRegistration", 1, admin_user.username),
        ("list", "registrations.Signature", 0, admin_user.username),
    ]
    assert "searchable" not in " ".join(str(v) for v in AuditEntry.objects.values_list())


def test_the_audit_keeps_who_acted_after_the_account_is_deleted(admin_client):
    staff = User.objects.create_user("gone", is_staff=True)
    services.audit_record(user=staff, action=AuditEntry.Action.VIEW, model=Declaration)
    staff.delete()
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.username) == (None, "gone")


# --- found by a review as an attacker would try it ---------------------------------------


def test_showing_more_of_an_accepted_signature_sends_it_back_to_review(client):
    declaration = make_declaration(make_event(slug="more"))
    signature = make_signature(declaration, name="Abusive Words", organisation="Abusive Org", visibility="initials")
    services.signature_correct(person=signature, data={"visibility": "full"})
    signature.refresh_from_db()
    assert (signature.visibility, signature.name_accepted_at) == ("full", None)
    assert soup(client.get("/en/events/more/declaration/")).select(".signatory") == []


def test_accepting_names_in_bulk_accepts_only_names_there_are_to_see(admin_user):
    declaration = make_declaration(make_event())
    shown = make_signature(declaration, name="Shown Name", name_accepted_at=None)
    unseen = make_signature(declaration, name="Unseen Name", visibility="hidden", name_accepted_at=None)
    assert services.signature_names_accept(signatures=[shown, unseen], by=admin_user) == 1
    unseen.refresh_from_db()
    assert unseen.name_accepted_at is None
    # Choosing to appear later: the name waits for review.
    services.signature_correct(person=unseen, data={"visibility": "full"})
    assert Signature.objects.awaiting_name_review().get() == unseen


def test_the_confirm_page_shows_every_field_a_resubmission_can_set(client, mail_server):
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    flow = _media(event)
    client.post(flow["form"], flow["victim"])
    sneaky = {**flow["victim"], "country": "BY", "languages": ["ru"], "interview_request": "Call my handler"}
    client.post(flow["form"], sneaky)
    page = soup(client.get(link_in(mail_server.messages[-1], flow["confirm"])))
    details = text(page.select_one(".confirm-details"))
    assert "Belarus" in details
    assert "Russian" in details
    assert "Call my handler" in details
    form = page.select_one("form.confirm-form")
    assert {"country", "languages", "interview_request"} <= {field["name"] for field in form.select("[name]")}


def test_a_known_address_gets_the_mail_in_the_language_it_was_submitted_in(client, flow, mail_server):
    client.post(flow["form"].replace("/en/", "/be/"), {**flow["victim"], "mail_language": "be"})
    link = link_in(mail_server.messages[-1], flow["confirm"].replace("/en/", "/be/"))
    client.post(*_confirm_fields(soup(client.get(link))))
    other = {**flow["victim"], "email": "someone.new@example.org"}
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        client.post(flow["form"], flow["victim"])  # known, confirmed in Belarusian; submitted in English
    known = mail_server.messages[-1]
    client.post(flow["form"], other)
    new = mail_server.messages[-1]
    assert subject(known) == subject(new)
    assert _without_links(known) == _without_links(new)
    assert flow["confirm"] in known.get_body(("plain",)).get_content()


def test_a_page_read_before_a_resubmission_confirms_nothing():
    event = make_event(start=timezone.now() + timedelta(days=10))
    declaration = make_declaration(event)
    data = {"name": "Owner", "email": VICTIM, "country": "BY", "organisation": "", "visibility": "hidden"}
    owner = services.signature_submit(declaration=declaration, data=data, language="en")
    services.signature_submit(
        declaration=declaration, data={**data, "name": "Adversary", "visibility": "full"}, language="en"
    )
    with pytest.raises(services.VersionChanged):
        services.person_confirm(person=owner, version=owner.version)  # the version the owner saw
    assert Signature.objects.get().status == "unconfirmed"


def test_the_confirm_button_confirms_only_the_version_it_showed(client, flow, mail_server):
    client.post(flow["form"], flow["victim"])
    link = link_in(mail_server.messages[0], flow["confirm"])
    action, shown = _confirm_fields(soup(client.get(link)))  # the owner reads their data…
    client.post(flow["form"], flow["adversary"])  # …someone resubmits…
    page = soup(client.post(action, shown))  # …and the owner's click confirms nothing
    assert not _stored(flow).is_confirmed
    assert "nothing was confirmed" in text(page.select_one(".confirm-stale"))
    assert "Xavier Adversary" in text(page.select_one(".confirm-details"))  # shown before any click
    assert "changed 1 time since this link was sent" in text(page.select_one(".confirm-changes"))
    # The owner puts their own data back; the click on the page showing it confirms it.
    client.post(flow["form"], flow["victim"])
    page = soup(client.get(link))
    assert "changed 2 times" in text(page.select_one(".confirm-changes"))
    assert client.post(*_confirm_fields(page)).status_code == 200
    stored = _stored(flow)
    assert (stored.name, stored.is_confirmed) == ("Vera Victim", True)
    # The one confirmation mail of the day, then the "confirmed" one.
    assert len(mail_server.messages) == 2


def test_a_post_without_the_version_confirms_nothing(client, flow, mail_server):
    client.post(flow["form"], flow["victim"])
    action, fields = _confirm_fields(soup(client.get(link_in(mail_server.messages[0], flow["confirm"]))))
    page = soup(client.post(action, {"t": fields["t"]}))
    assert page.select_one(".confirm-stale") is not None
    assert not _stored(flow).is_confirmed


def test_the_allowance_is_a_sliding_24_hours():
    digest = email_digest(VICTIM)
    t0 = timezone.now()
    take = services.people.mailbox_allowance_take
    almost = t0 + timedelta(hours=23, minutes=59)
    assert [take(digest=digest, thread="media:1", now=t0), take(digest=digest, thread="media:1", now=almost)] == [
        True,
        False,
    ]
    after = t0 + timedelta(hours=24, minutes=1)
    assert [take(digest=digest, thread="media:1", now=after), take(digest=digest, thread="media:1", now=after)] == [
        True,
        False,
    ]


def test_gmail_dots_and_domains_are_one_mailbox():
    assert normalise_email("Vera.Victim+x@googlemail.com") == normalise_email("veravictim@gmail.com")
    assert normalise_email("vera.victim@example.org") != normalise_email("veravictim@example.org")


def test_a_media_correction_is_refused_once_a_decision_was_made(admin_user):
    event = make_event(start=timezone.now() + timedelta(days=10))
    registration = make_registration(event, name="Before")
    stale = MediaRegistration.objects.get(pk=registration.pk)  # read while pending
    services.registration_approve(registration=registration, by=admin_user)
    assert services.registration_correct(person=stale, data={"name": "After"}) is None
    assert MediaRegistration.objects.get().name == "Before"


def test_staff_see_no_confirmation_requests_in_the_outbox(admin_client, flow, mail_server):
    client_submits = admin_client.post  # any client: the form is public
    client_submits(flow["form"], flow["victim"])
    page = admin_client.get(reverse("admin:registrations_outgoingmail_changelist")).content.decode()
    assert "Mail #" not in page
    assert OutgoingMail.objects.count() == 1


# --- nobody can stop a named person from signing or registering ----------------------


def test_a_stranger_cannot_keep_the_owner_from_signing_or_registering(client, mail_server):
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    make_declaration(event, review_names=False)
    media, declaration = _media(event), _declaration(event)
    # The stranger: three submissions with three spellings of the owner's mailbox
    # (a provider that delivers +tags to the mailbox itself).
    spellings = ["victim@gmail.com", "VICTIM+x@gmail.com", '"victim"@GMAIL.com']
    answers = {}
    for flow, address in zip((media, declaration, media), spellings, strict=True):
        response = client.post(flow["form"], {**flow["adversary"], "email": address})
        answers[flow["model"]] = client.get(response["Location"])
    # The owner, the same day, from elsewhere: their own signature and registration.
    owner = Client()
    for flow in (declaration, media):
        response = owner.post(flow["form"], {**flow["victim"], "email": "victim@gmail.com"})
        answer = owner.get(response["Location"])
        assert answer.content == answers[flow["model"]].content  # the same words, whether or not a mail went out now
        assert "shows what was typed last" in text(soup(answer).select_one(".lead"))

    # The mailbox holds one confirmation mail per form; each link confirms what the owner typed.
    assert len(mail_server.received) == 2
    assert {normalise_email(rcpt) for rcpts, _message in mail_server.received for rcpt in rcpts} == {
        normalise_email("victim@gmail.com")
    }
    for flow in (declaration, media):
        (mail,) = [m for m in mail_server.messages if flow["confirm"] in m.get_body(("plain",)).get_content()]
        page = soup(owner.get(link_in(mail, flow["confirm"])))
        details = text(page.select_one(".confirm-details"))
        assert "Vera Victim" in details
        assert "Xavier" not in details
        assert owner.post(*_confirm_fields(page)).status_code == 200
        stored = _stored(flow)
        assert (stored.name, stored.is_confirmed, stored.email) == ("Vera Victim", True, "victim@gmail.com")
    assert len(mail_server.messages) == 4  # and the two "confirmed" mails


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["changed 2 times since this link was sent, last on", "10 March 2027", "14:00", "Minsk time"]),
        ("ru", ["изменились 2 раза с тех пор, как была отправлена эта ссылка", "10 марта 2027", "14:00"]),
        ("be", ["змяняліся 2 разы з таго часу, як была дасланая гэтая спасылка", "10 сакавіка 2027", "14:00"]),
    ],
)
def test_the_confirm_page_says_how_often_and_when_the_data_changed(client, mail_server, language, expected):
    t0 = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 in Minsk
    with time_machine.travel(t0, tick=False):
        event = make_event(start=t0 + timedelta(days=10), timezone="Europe/Minsk")
        make_declaration(event)
        flow = _declaration(event)
        form = flow["form"].replace("/en/", f"/{language}/")
        client.post(form, {**flow["victim"], "mail_language": language})
    for hours in (1, 2):  # two more submissions: the last at 14:00 Minsk time
        with time_machine.travel(t0 + timedelta(hours=hours), tick=False):
            client.post(form, {**flow["victim"], "name": f"Name {hours}", "mail_language": language})
    (mail,) = mail_server.messages
    with time_machine.travel(t0 + timedelta(hours=3), tick=False):
        page = soup(client.get(link_in(mail, flow["confirm"].replace("/en/", f"/{language}/"))))
    line = text(page.select_one(".confirm-changes"))
    for words in expected:
        assert words in line


def test_the_unconfirmed_purge_counts_from_the_latest_submission(client, flow, mail_server):
    t0 = timezone.now()
    client.post(flow["form"], {**flow["victim"], "name": "First"})
    with time_machine.travel(t0 + timedelta(days=2), tick=False):
        client.post(flow["form"], flow["victim"])
    with time_machine.travel(t0 + timedelta(days=4), tick=False):  # 4 days after the first, 2 after the last
        services.unconfirmed_purge()
        assert _stored(flow).name == "Vera Victim"
        page = soup(client.get(link_in(mail_server.messages[-1], flow["confirm"])))
        assert "Vera Victim" in text(page.select_one(".confirm-details"))
    with time_machine.travel(t0 + timedelta(days=5, minutes=1), tick=False):
        services.unconfirmed_purge()
        assert not flow["model"].objects.exists()
