"""Model fields whose values are stored sealed under a key (plumbing.keys).

A sealed field is an ordinary text field to forms and validation (its
max_length and validators apply to the plain text), but its column holds a
sealed token: `keys.seal(model.seal_key_name(), text, associated)`, bound by
associated data to its model, field and row (`seal_id`, a random id made with
the row, or the primary key of a row made before there was one). The model
says which key through `seal_key_name()`.

A value read from the database stays sealed until its attribute is read; it
is then opened once and kept on the instance. A value whose key is gone reads
as `ERASED`, a lazily translated "(erased)" that renders in the page's
language, and saving the row writes the stored token back, never the marker.
An untouched value is written back as the token it was read as, so saving a
row seals only what changed. An empty value is stored empty.

A sealed column cannot be compared with a plain text: a lookup or a write of
one is refused (ValueError), so no query silently finds nothing and nothing
writes a name in plain text by going around `save()`."""

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from . import keys

ERASED = _("(erased)")


def is_erased(value):
    return value is ERASED


class Sealed(str):
    """A value as the database holds it: a sealed token, not yet opened."""

    __slots__ = ()


def _memo(attname):
    return f"_sealed_{attname}"


def associated_data(label, field_name, seal_id, pk):
    """What binds a value to where it belongs: the model, the field, the row."""
    return f"{label}:{field_name}:{seal_id or pk}".encode()


class SealedAttribute(DeferredAttribute):
    """Opens a sealed value on its first read (a data descriptor, so that a
    token in the instance's __dict__ never reaches a reader)."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field = self.field
            opened = keys.unseal(instance.seal_key_name(), value, field.associated(instance))
            opened = ERASED if opened is None else opened
            instance.__dict__[field.attname] = opened
            instance.__dict__[_memo(field.attname)] = (opened, value)
            return opened
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class SealedMixin:
    """Makes a text field sealed (see the module's docstring)."""

    descriptor_class = SealedAttribute

    def get_internal_type(self):
        # A token is longer than its text: the column is unbounded text.
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value and value.startswith(keys.SEALED_PREFIX):
            return Sealed(value)
        return value  # empty, or plain text not yet sealed (seal_personal_data)

    def associated(self, instance):
        return associated_data(instance._meta.label, self.name, instance.seal_id, instance.pk)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value and not keys.is_sealed(value):
            raise ValueError(
                f"{self.model._meta.label}.{self.name} is sealed: it is neither compared nor written as text"
            )
        return value

    def changed(self, instance):
        """Whether the value on the instance is not the one read or last saved."""
        raw = instance.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return False
        memo = instance.__dict__.get(_memo(self.attname))
        return not (memo and (raw is memo[0] or (type(raw) is str and raw == memo[0])))

    def pre_save(self, model_instance, add):
        raw = model_instance.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return raw
        memo = model_instance.__dict__.get(_memo(self.attname))
        if memo and (raw is memo[0] or (type(raw) is str and raw == memo[0])):
            return memo[1]  # unchanged (or erased): the token as it was
        if raw is ERASED:
            raise ValueError("an erased value has no token to write back")
        if not raw:
            return raw
        token = keys.seal(model_instance.seal_key_name(), str(raw), self.associated(model_instance))
        model_instance.__dict__[_memo(self.attname)] = (raw, token)
        return token


class SealedCharField(SealedMixin, models.CharField):
    pass


class SealedTextField(SealedMixin, models.TextField):
    pass


class SealedEmailField(SealedMixin, models.EmailField):
    pass


class SealedURLField(SealedMixin, models.URLField):
    pass


def sealed_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, SealedMixin)]


def seal_for(instance, field_name, text):
    """`text` sealed as `instance`'s field would store it: for a conditional
    `update()` that writes a sealed column without loading the row's values."""
    if not text:
        return text
    field = instance._meta.get_field(field_name)
    return keys.seal(instance.seal_key_name(), str(text), field.associated(instance))
