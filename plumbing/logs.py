"""Structured logs: one JSON object per line.

The site's own messages carry ids, never names, addresses or e-mails; this
formatter adds only the time, level and logger name. gunicorn's access log
(gunicorn.conf.py) has the same shape, its values escaped by the logger class
below."""

import json
import logging
from datetime import UTC, datetime

from gunicorn.glogging import Logger as GunicornLogger
from gunicorn.glogging import SafeAtoms


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class JsonAtoms(SafeAtoms):
    """gunicorn's access-log values, each escaped as inside a JSON string:
    quotes, backslashes, line breaks and other control characters of a path
    cannot end the string or the line. Numbers stay numbers; a missing one is null."""

    def __init__(self, atoms):
        # Not SafeAtoms.__init__: its own quote escaping would undo this one.
        dict.__init__(
            self,
            {
                key: json.dumps(value)[1:-1] if isinstance(value, str) else ("null" if value is None else value)
                for key, value in atoms.items()
            },
        )


class GunicornJsonLogger(GunicornLogger):
    atoms_wrapper_class = JsonAtoms
