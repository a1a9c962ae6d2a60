from django.urls import path

from . import views

app_name = "registrations"

# The paths stay as they were: links in mails already sent point at them.
urlpatterns = [
    path("events/<slug:slug>/media/", views.media_register, name="media_register"),
    path("events/<slug:slug>/media/check-your-mail/", views.media_check_mail, name="media_check_mail"),
    path("media/confirm/", views.media_confirm, name="media_confirm"),
    path("media/status/", views.media_status, name="media_status"),
    path("media/withdraw/", views.media_withdraw, name="media_withdraw"),
    path("media/access/", views.media_access, name="media_access"),
    path("events/<slug:slug>/declaration/", views.declaration, name="declaration"),
    path("events/<slug:slug>/declaration/sign/", views.declaration_sign, name="declaration_sign"),
    path(
        "events/<slug:slug>/declaration/check-your-mail/",
        views.declaration_check_mail,
        name="declaration_check_mail",
    ),
    path("declaration/confirm/", views.declaration_confirm, name="declaration_confirm"),
    path("declaration/signature/", views.declaration_status, name="declaration_status"),
    path("declaration/withdraw/", views.declaration_withdraw, name="declaration_withdraw"),
    path("privacy/", views.privacy, name="privacy"),
]
