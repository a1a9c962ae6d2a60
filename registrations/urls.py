from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/media/", views.register, name="register"),
    path("events/<slug:slug>/media/check-your-mail/", views.check_mail, name="check_mail"),
    path("media/confirm/", views.confirm, name="confirm"),
    path("media/status/", views.status, name="status"),
    path("media/withdraw/", views.withdraw, name="withdraw"),
    path("privacy/", views.privacy, name="privacy"),
]
