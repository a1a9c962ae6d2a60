"""Sealing the personal values stored before they were sealed (issue 22).

`seal_rows` seals, in batches ordered by primary key, every value of a model's
sealed fields still in plain text, under its forum's key, bound to its row;
for people it also stores the word digests of the admin's search by name.
Values already sealed are left as they are, so a rerun changes nothing and a
stopped run resumes where it stopped. It reads rows as plain values (never
through model instances), so the migration that drops the plaintext columns
runs it too with its historical models (`seal_all(apps)`)."""

from django.db import transaction

from plumbing import keys
from plumbing.sealed import associated_data, sealed_fields

from .models.people import name_words, word_digest

# (model name, the lookup from a row to its forum, its word model or None)
SEALED_MODELS = (
    ("Signature", "declaration__event_id", "SignatureWord"),
    ("MediaRegistration", "event_id", "MediaRegistrationWord"),
    ("ReviewEntry", "registration__event_id", None),
    ("Message", "event_id", None),
)


def _plain(value):
    return bool(value) and not keys.is_sealed(value)


def seal_rows(model, forum_path, word_model=None, *, batch=1000, after=0, progress=None):
    """Seal `model`'s plain values from primary key `after` on. Returns the
    number of rows changed; calls progress(last pk, rows changed so far)
    after each batch."""
    fields = sealed_fields(model)
    names = [field.name for field in fields]
    label = model._meta.label
    changed = 0
    last = after
    while True:
        rows = list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "seal_id", forum_path, *names)[:batch]
        )
        if not rows:
            return changed
        with transaction.atomic():
            for pk, seal_id, forum_id, *values in rows:
                plain = {name: value for name, value in zip(names, values, strict=True) if _plain(value)}
                if not plain:
                    continue
                key_name = keys.forum_key_name(forum_id)
                tokens = {
                    name: keys.seal(key_name, value, associated_data(label, name, seal_id, pk))
                    for name, value in plain.items()
                }
                model.objects.filter(pk=pk).update(**tokens)
                if word_model is not None and "name" in plain:
                    word_model.objects.filter(person_id=pk).delete()
                    word_model.objects.bulk_create(
                        [
                            word_model(person_id=pk, digest=word_digest(key_name, word))
                            for word in name_words(plain["name"])
                        ]
                    )
                changed += 1
        last = rows[-1][0]
        if progress:
            progress(last, changed)


def seal_all(apps, *, batch=1000, progress=None):
    """Seal every plain value of every sealed model (with `apps`' models)."""
    total = 0
    for model_name, forum_path, word_name in SEALED_MODELS:
        model = apps.get_model("registrations", model_name)
        word_model = apps.get_model("registrations", word_name) if word_name else None
        total += seal_rows(
            model,
            forum_path,
            word_model,
            batch=batch,
            progress=(lambda last, n, name=model_name: progress(name, last, n)) if progress else None,
        )
    return total
