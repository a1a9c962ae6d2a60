import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from plumbing.context_processors import site, ways_in

# nginx's own errors (deploy/nginx-forum-site.conf): a static file is missing (404),
# the app is down or restarting (502, 503, 504). File name, title, text.
PAGES = [
    (
        "404.html",
        gettext_noop("Page not found"),
        gettext_noop("There is no page at this address. It may have moved, or the link may be mistyped."),
    ),
    (
        "502.html",
        gettext_noop("The site is unavailable for a moment"),
        gettext_noop("It is restarting or very busy. Please try again in a minute."),
    ),
]


class Command(BaseCommand):
    help = (
        "Write the pages nginx shows for its own errors (the app restarting, a missing static file), "
        "in every language, into DIR (default: STATIC_ROOT/errors). Run after collectstatic."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", nargs="?")

    def handle(self, *args, directory=None, **options):
        directory = Path(directory or Path(settings.STATIC_ROOT) / "errors")
        directory.mkdir(parents=True, exist_ok=True)
        for name, title, text in PAGES:
            sections, titles, site_names = [], [], []
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    titles.append(gettext(title))
                    site_names.append(site(None)["site_name"])
                    context = {
                        "language": language,
                        "title": titles[-1],
                        "text": gettext(text),
                        "ways_in_suffix": f"-{language}",  # one page, one id per language's section
                        **ways_in(),
                    }
                    sections.append(render_to_string("nginx/error_section.html", context))
            page = render_to_string(
                "nginx/error.html",
                {
                    "language": settings.LANGUAGE_CODE,
                    "title": " · ".join(titles),
                    "site_names": list(dict.fromkeys(site_names)),
                    "sections": sections,
                },
            )
            # Written beside, then renamed: nginx never serves half a page.
            partial = directory / f".{name}.partial"
            partial.write_text(page, encoding="utf-8")
            partial.chmod(0o644)
            os.replace(partial, directory / name)
        self.stdout.write(f"{len(PAGES)} pages: {directory}")
