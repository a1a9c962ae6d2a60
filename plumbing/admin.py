"""The staff's second factors in the admin's Security section (superusers):
recovery codes are listed by how many are left, never shown (issued by
`manage.py issue_recovery_codes`); an authenticator's sealed secret is never
shown nor edited on a device's page (plumbing.staff_secrets)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCodeDevice

# Plaintext static tokens are no second factor here any more (migration 0003).
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "codes_left", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "codes_left", "created_at", "last_used_at"]
    readonly_fields = fields

    @admin.display(description=_("codes left"))
    def codes_left(self, device):
        return device.codes.count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SealedTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's, without the key field on a device's page: it holds the
    sealed secret, which is neither for reading nor for typing over. A device
    added here is sealed when saved."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "key"]})
            for name, options in fieldsets
        ]


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SealedTOTPDeviceAdmin)
