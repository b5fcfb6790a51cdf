"""Application logs: one line per record, so nothing a person typed can forge another line.

What is logged is chosen so no personal data, password or token is in it (a test checks the flows that matter);
this formatter is the second line of defence for text that reaches a log anyway (an exception's message).
"""

from __future__ import annotations

import logging

from flask import Flask
from flask.logging import wsgi_errors_stream

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Characters that log readers and terminals take as the end of a line.
LINE_BREAKS = str.maketrans(
    {char: repr(char)[1:-1] for char in "\\\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"},
)


class OneLineFormatter(logging.Formatter):
    """Escape line breaks (in the message and any traceback) so a record is always one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).translate(LINE_BREAKS)


# The stream is looked up at each record (the request's wsgi.errors, else standard error), as Flask's own does.
handler = logging.StreamHandler(wsgi_errors_stream)  # type: ignore[arg-type]
handler.setFormatter(OneLineFormatter(FORMAT))
# Libraries whose warnings are the operator's business: Flask-Limiter says here that its shared storage (Redis) is
# unreachable and limits are counted per process meanwhile. Left at WARNING: its INFO lines name limit keys,
# which include the email address typed into the sign-in form.
LIBRARY_LOGGERS = ("flask-limiter",)


def register(app: Flask) -> None:
    """Send the app's loggers (``app`` and its modules) and ``LIBRARY_LOGGERS`` through the one-line handler, once
    per process."""
    for name in (app.import_name, *LIBRARY_LOGGERS):
        logger = logging.getLogger(name)
        if handler not in logger.handlers:
            # Installed before Flask's app.logger is first used, so Flask adds no multi-line handler of its own.
            logger.addHandler(handler)
