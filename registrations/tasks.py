from django_tasks import task

from . import services


@task()
def deliver_mail(mail_id):
    """Send one mail from the outbox (retries are scheduled by the service)."""
    services.mail_deliver(mail_id=mail_id)
