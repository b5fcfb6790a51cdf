"""Intake data at rest: encrypted fields, keyed-hash search, key rotation, retention purge, production keys."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from app import create_app, personal_data
from app.models import AuditEvent, Contact, Draft, OutboxMail, StatusChange, Submission, User
from app.web import crypto
from app.web.extensions import db
from tests.functional.patient.test_wizard import start
from tests.functional.web.test_database import CLOSED_PORT_URL, GOOD_KEY
from tests.intake import EMAIL, MESSAGE, NAME, PHONE, PHONE_E164, screened, sent

PLAINTEXT = (NAME, "Lee-Wong", EMAIL, EMAIL.lower(), PHONE, PHONE_E164, "7400123456", "1980-03-27", MESSAGE)


@pytest.fixture
def configured(app: Flask, app_factory):  # type: ignore[no-untyped-def]
    """Build apps with other keys; the rows they write are removed with the ``app`` fixture's."""
    return app_factory


def raw_contact_rows(app: Flask) -> list[dict[str, object]]:
    with app.app_context(), db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text("SELECT * FROM contact"))]


def as_text(value: object) -> str:
    return bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)


def only_submission() -> Submission:
    submission = db.session.scalar(select(Submission))
    assert submission is not None
    return submission


# Encryption at rest


def test_raw_contact_rows_hold_no_plaintext(app: Flask, client: FlaskClient) -> None:
    sent(client)
    rows = raw_contact_rows(app)
    assert len(rows) == 1
    dump = "\n".join(as_text(v) for v in rows[0].values())
    for value in PLAINTEXT:
        assert value not in dump, value
    assert "1980" not in dump
    for column in ("name_enc", "birth_enc", "phone_enc", "email_enc", "message_enc", "signature_enc"):
        token = bytes(rows[0][column])  # type: ignore[arg-type]
        assert token.startswith(b"gAAAAA"), column  # a Fernet token: AES-CBC with an HMAC over it
    # Hashes are keyed: a dictionary of plain SHA-256 digests of phone numbers would not find them.
    import hashlib

    assert rows[0]["phone_hash"] != hashlib.sha256(PHONE_E164.encode()).hexdigest()
    assert rows[0]["phone_hash"] != hashlib.sha256(f"phone:{PHONE_E164}".encode()).hexdigest()


def test_encrypted_fields_are_authenticated(app: Flask, client: FlaskClient) -> None:
    sent(client)
    with app.app_context():
        contact = db.session.scalar(select(Contact))
        assert contact is not None
        forged = bytearray(contact.name_enc)
        forged[-5] ^= 1
        with pytest.raises(InvalidToken):
            crypto.decrypt(bytes(forged))


def test_contact_details_are_none_for_a_plain_screen(app: Flask, client: FlaskClient) -> None:
    screened(client)
    with app.app_context():
        assert personal_data.contact_details(only_submission()) is None


# Search through keyed hashes


@pytest.mark.parametrize(
    "query", [EMAIL, "  ann.lee@EXAMPLE.com ", PHONE, "+44 7400 123456", "0044 (0)7400-123456", "07400123456"]
)
def test_an_intake_is_found_by_its_email_or_phone_however_typed(app: Flask, client: FlaskClient, query: str) -> None:
    sent(client)
    with app.app_context():
        found = personal_data.find_by_contact(query)
        assert [s.id for s in found] == [only_submission().id]


@pytest.mark.parametrize("query", ["other@example.com", "07400 654321", "not a number", "@", ""])
def test_other_or_unusable_contact_details_find_nothing(app: Flask, client: FlaskClient, query: str) -> None:
    sent(client)
    with app.app_context():
        assert personal_data.find_by_contact(query) == []


def test_search_by_name_and_by_reference_code(app: Flask, client: FlaskClient) -> None:
    sent(client)
    with app.app_context():
        submission = only_submission()
        assert personal_data.find_by_name("  ann  LEE-wong") == [submission]
        assert personal_data.find_by_name("Ann") == []
        reference = submission.reference
        loose = reference.lower().replace("-", " ")
        for code in (reference, loose, reference.removeprefix("LBP-"), reference.replace("-", "")):
            assert personal_data.find_by_reference(code) == submission, code
        assert personal_data.find_by_reference("LBP-0000-0000") is None  # 0 is not in the alphabet
        assert personal_data.find_by_reference("nonsense") is None


def test_newest_intake_first_when_one_address_sent_several(app: Flask) -> None:
    first = sent(app.test_client())
    second = sent(app.test_client(), phone="", preferred_contact="email")
    with app.app_context():
        found = personal_data.find_by_contact(EMAIL)
        assert [s.public_id for s in found] == [second.rsplit("/", 1)[1], first.rsplit("/", 1)[1]]
        assert len(personal_data.find_by_contact(PHONE)) == 1


# Key rotation


def test_rotation_re_encrypts_everything_with_the_newest_key_and_keeps_it_readable(configured) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old = configured(ENCRYPTION_KEYS=old_key)
    sent(old.test_client(), confirm_by_email="y")  # the confirmation's recipient waits in the outbox, encrypted
    with old.app_context():
        db.session.add(User(email="p@example.com", role="practitioner", password_hash="x"))
        db.session.scalar(select(User)).totp_secret_enc = crypto.encrypt("JBSWY3DPEHPK3PXP")  # type: ignore[union-attr]
        db.session.commit()
    before = raw_contact_rows(old)[0]

    both = configured(ENCRYPTION_KEYS=f"{new_key},{old_key}")
    result = both.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 contact records, 1 staff two-factor secrets and 1 mail recipients" in result.output

    after = raw_contact_rows(both)[0]
    assert after["name_enc"] != before["name_enc"]
    assert Fernet(new_key).decrypt(bytes(after["name_enc"])).decode() == NAME  # type: ignore[arg-type]
    new_only = configured(ENCRYPTION_KEYS=new_key)
    with new_only.app_context():
        shown = personal_data.contact_details(only_submission())
        assert shown is not None
        assert (shown["name"], shown["email"], shown["phone"]) == (NAME, EMAIL.lower(), PHONE_E164)
        assert shown["message"] == MESSAGE and shown["signature"] == NAME
        user = db.session.scalar(select(User))
        assert user is not None and user.totp_secret_enc is not None
        assert crypto.decrypt(user.totp_secret_enc) == "JBSWY3DPEHPK3PXP"
        assert personal_data.find_by_contact(EMAIL) != []
        mail = db.session.scalar(select(OutboxMail))
        assert mail is not None and mail.recipient_enc is not None
        assert crypto.decrypt(mail.recipient_enc) == EMAIL.lower()
        rotated = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "keys_rotate"))
        assert rotated is not None and rotated.detail == {"contacts": 1, "staff_secrets": 1, "mails": 1}
    with old.app_context(), pytest.raises(InvalidToken):
        personal_data.contact_details(only_submission())


def test_rotation_also_re_hashes_with_a_new_hash_key(configured) -> None:
    first = configured(HASH_KEY="h" * 40)
    sent(first.test_client())
    changed = configured(HASH_KEY="k" * 40)
    with changed.app_context():
        assert personal_data.find_by_contact(EMAIL) == []
    assert changed.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    with changed.app_context():
        assert len(personal_data.find_by_contact(EMAIL)) == 1
        assert len(personal_data.find_by_contact(PHONE)) == 1
        assert len(personal_data.find_by_name(NAME)) == 1


def test_keys_generate_prints_usable_keys(runner) -> None:  # type: ignore[no-untyped-def]
    key = runner.invoke(args=["keys", "generate"]).output.strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"ok")) == b"ok"
    hash_key = runner.invoke(args=["keys", "generate", "--hash-key"]).output.strip()
    assert len(hash_key) >= 32 and hash_key != key


# Production keys


def production(**settings: object) -> Flask:
    return create_app(
        {"APP_CONFIG": "production", "SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": CLOSED_PORT_URL, **settings}
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ENCRYPTION_KEYS": None, "HASH_KEY": "h" * 48}, "ENCRYPTION_KEYS"),
        ({"ENCRYPTION_KEYS": "not-a-fernet-key", "HASH_KEY": "h" * 48}, "Fernet keys"),
        ({"ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},short", "HASH_KEY": "h" * 48}, "Fernet keys"),
        ({"ENCRYPTION_KEYS": Fernet.generate_key().decode(), "HASH_KEY": None}, "HASH_KEY"),
        ({"ENCRYPTION_KEYS": Fernet.generate_key().decode(), "HASH_KEY": "too-short"}, "HASH_KEY"),
    ],
)
def test_production_refuses_to_start_without_real_keys(settings: dict[str, object], message: str) -> None:
    with pytest.raises(RuntimeError, match=message):
        production(**settings)


def test_production_starts_with_several_encryption_keys() -> None:
    keys = f"{Fernet.generate_key().decode()}, {base64.urlsafe_b64encode(b'o' * 32).decode()}"
    app = production(ENCRYPTION_KEYS=keys, HASH_KEY="h" * 48)
    assert app.config["ENCRYPTION_KEYS"] == keys


# Retention


T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RUN = T0 + timedelta(days=400)


def test_purge_removes_only_what_is_past_its_retention_and_is_idempotent(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False) as traveller:
        old_draft = start(app.test_client())
        old_screen = screened(app.test_client())
        old_open_intake = sent(app.test_client())
        closed_later = sent(app.test_client())
        withdrawn = sent(app.test_client())
        app.test_client().post(f"{withdrawn}/withdraw")
        traveller.move_to(T0 + timedelta(days=100))
        with app.app_context():
            case = personal_data.find_by_reference(reference_of(app, closed_later))
            assert case is not None
            case.status, case.status_changed_at = "closed", T0 + timedelta(days=100)
            db.session.commit()
        traveller.move_to(RUN - timedelta(days=29))
        recent_screen = screened(app.test_client())
        recent_intake = sent(app.test_client())
        traveller.move_to(RUN - timedelta(days=1))
        recent_draft = start(app.test_client())

        traveller.move_to(RUN)
        result = runner.invoke(args=["purge"])
        assert result.exit_code == 0, result.output
        assert (
            "Deleted 1 expired drafts, 1 self-checks older than 30 days and 2 intake submissions past 365 days."
            in result.output
        )
        again = runner.invoke(args=["purge"])
        assert "Deleted 0 expired drafts, 0 self-checks older than 30 days and 0 intake submissions" in again.output

    with app.app_context():
        remaining = {f"/result/{s.public_id}" for s in db.session.scalars(select(Submission))}
        assert remaining == {recent_screen, recent_intake, closed_later}
        assert {old_screen, old_open_intake, withdrawn}.isdisjoint(remaining)
        assert {d.token for d in db.session.scalars(select(Draft))} == {recent_draft} != {old_draft}
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 2  # the purged intake's went too
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0  # the withdrawn one's went
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purge").order_by(AuditEvent.id))
        assert [(e.target, e.actor_id, e.ip, e.detail, e.at) for e in events] == [
            (None, None, None, {"drafts": 1, "screens": 1, "intakes": 2, "check_ins": 0, "mails": 0}, RUN),
            (None, None, None, {"drafts": 0, "screens": 0, "intakes": 0, "check_ins": 0, "mails": 0}, RUN),
        ]


def test_purge_counts_intake_retention_from_closing_the_case(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False) as traveller:
        path = sent(app.test_client())
        with app.app_context():
            case = personal_data.find_by_reference(reference_of(app, path))
            assert case is not None
            case.status, case.status_changed_at = "closed", T0 + timedelta(days=10)
            db.session.commit()
        traveller.move_to(T0 + timedelta(days=374))
        assert "0 intake submissions" in runner.invoke(args=["purge"]).output
        traveller.move_to(T0 + timedelta(days=376))
        assert "1 intake submissions" in runner.invoke(args=["purge"]).output


def test_purge_periods_come_from_configuration(configured) -> None:
    app = configured(SCREEN_RETENTION_DAYS=7, DRAFT_LIFETIME=timedelta(days=2))
    with time_machine.travel(T0, tick=False) as traveller:
        screened(app.test_client())
        start(app.test_client())
        traveller.move_to(T0 + timedelta(days=8))
        output = app.test_cli_runner().invoke(args=["purge"]).output
    assert "Deleted 1 expired drafts, 1 self-checks older than 7 days" in output


def reference_of(app: Flask, result_path: str) -> str:
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.public_id == result_path.rsplit("/", 1)[1]))
        assert submission is not None
        return submission.reference
