"""Mail: bodies from the templates beside this file, sent over SMTP after the response.

Each message has a plain-text and an HTML body, `NAME.txt` and `NAME.html` here, in
`string.Template` syntax (`$link`); values are HTML-escaped in the HTML body. Without SMTP_HOST
(the development default) a message is written to the log instead of being sent.

Sending never runs in a request's critical path: `send_later` sends once the response has gone,
so a slow or broken mail server neither delays nor fails a request; a failed send is logged,
with the request id, and not retried.
"""

import html
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from string import Template

import aiosmtplib
from fastapi import BackgroundTasks

from app.core.config import Settings

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


@lru_cache(maxsize=16)
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def compose(template: str, *, to: str, subject: str, **values: str) -> Mail:
    """The mail `template`.txt and `template`.html make with `values` filled in."""
    escaped = {name: html.escape(value) for name, value in values.items()}
    return Mail(
        to=to,
        subject=subject,
        text=_template(f"{template}.txt").substitute(values),
        html=_template(f"{template}.html").substitute(escaped),
    )


def message(mail: Mail, settings: Settings) -> EmailMessage:
    """The MIME message: text first, HTML as its alternative, for clients that show it."""
    email = EmailMessage()
    email["From"] = settings.mail_sender
    email["To"] = mail.to
    email["Subject"] = mail.subject
    email.set_content(mail.text)
    email.add_alternative(mail.html, subtype="html")
    return email


async def send(mail: Mail, settings: Settings) -> None:
    """Send now; a failure is logged, not raised: by now nobody is waiting for an answer."""
    if not settings.smtp_host:
        if settings.environment == "production":
            logger.warning("mail %r to %s not sent: SMTP_HOST is not set", mail.subject, mail.to)
        else:
            logger.info("mail not sent, SMTP_HOST is not set:\n%s", message(mail, settings))
        return
    try:
        await aiosmtplib.send(
            message(mail, settings),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password.get_secret_value() or None,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=settings.smtp_timeout_seconds,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        logger.error("mail %r to %s not sent: %s", mail.subject, mail.to, error)


def send_later(background: BackgroundTasks, mail: Mail, settings: Settings) -> None:
    """Send once the response has gone: the one way the app sends mail from a request."""
    background.add_task(send, mail, settings)
