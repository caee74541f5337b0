"""The mailer: text and HTML bodies from the project's templates, sent over real SMTP after the
response, written to the log when SMTP_HOST is not set, and a failure logged with the request id."""

import logging
from http import HTTPStatus

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import API_PREFIX, Settings
from app.core.logging import RequestIdFilter
from app.features.auth import mail
from app.features.users.models import User
from tests.support.mailbox import Mailbox, body, free_port


def _sample() -> mail.Mail:
    return mail.compose(
        "password_reset",
        to="ada@example.com",
        subject="Reset",
        app_name="<Shop & Co>",
        link="https://example.com/reset-password?token=abc",
        minutes="15",
    )


async def test_a_mail_is_delivered_with_a_text_and_an_html_body(
    settings: Settings, mailbox: Mailbox
) -> None:
    await mail.send(_sample(), settings)

    message = mailbox.only("ada@example.com")
    assert message["Subject"] == "Reset"
    assert "your <Shop & Co> account" in body(message)
    assert "your &lt;Shop &amp; Co&gt; account" in body(message, "html")
    assert 'href="https://example.com/reset-password?token=abc"' in body(message, "html")


async def test_without_smtp_it_is_written_to_the_log(
    settings: Settings, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=mail.__name__)

    await mail.send(_sample(), settings.model_copy(update={"smtp_host": ""}))

    assert mailbox.messages == []
    assert "token=abc" in caplog.text


async def test_in_production_the_log_gets_no_token(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    production = settings.model_copy(update={"smtp_host": "", "environment": "production"})

    await mail.send(_sample(), production)

    assert "not sent: SMTP_HOST is not set" in caplog.text
    assert "token=abc" not in caplog.text


async def test_a_failed_send_is_logged_with_the_request_id_after_the_answer(
    app: FastAPI,
    client: AsyncClient,
    settings: Settings,
    user: User,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    app.state.settings = settings.model_copy(update={"smtp_port": free_port()})
    try:
        response = await client.post(
            f"{API_PREFIX}/auth/password-reset",
            json={"email": user.email},
            headers={"X-Request-ID": "reset-request-1"},
        )
    finally:
        app.state.settings = settings

    assert response.status_code == HTTPStatus.ACCEPTED
    failures = [r for r in caplog.records if r.name == mail.__name__ and r.levelname == "ERROR"]
    assert [getattr(r, "request_id", None) for r in failures] == ["reset-request-1"]
