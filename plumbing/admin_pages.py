"""One helper for the admin's own pages (an action's confirmation, a
decision, a message): the admin site's context, the model's options for the
breadcrumbs back to the list it came from, and the selection's checkbox name."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse


def action_page(model_admin, request, template, *, title, **context):
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **context,
        },
    )
