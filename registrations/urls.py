from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/media/", views.register, name="register"),
    path("events/<slug:slug>/media/check-your-mail/", views.check_mail, name="check_mail"),
    path("media/confirm/", views.confirm, name="confirm"),
    path("media/status/", views.status, name="status"),
    path("media/withdraw/", views.withdraw, name="withdraw"),
    path("events/<slug:slug>/declaration/", views.declaration, name="declaration"),
    path("events/<slug:slug>/declaration/sign/", views.sign, name="sign"),
    path("events/<slug:slug>/declaration/check-your-mail/", views.sign_check_mail, name="sign_check_mail"),
    path("declaration/confirm/", views.signature_confirm, name="signature_confirm"),
    path("declaration/signature/", views.signature_status, name="signature_status"),
    path("declaration/withdraw/", views.signature_withdraw, name="signature_withdraw"),
    path("privacy/", views.privacy, name="privacy"),
]
