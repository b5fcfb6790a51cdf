"""TOTP second factor: enrolment secrets, QR codes and one-use verification."""

from __future__ import annotations

import base64
import hmac
import io
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import or_, update

from app import clinic
from app.input_values import Refused, parse_integer
from app.models import User
from app.web.extensions import db


def new_secret() -> str:
    return pyotp.random_base32()


def issuer() -> str:
    """What authenticator apps call the account's issuer: the clinic's name (staff pages are English).

    Only a label: a later change of name leaves enrolled authenticators working. A colon would end the label's
    issuer part early, so none is kept.
    """
    return clinic.current().name("en").replace(":", " ")


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer())


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI, drawn here so no third party ever sees the secret."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def accept(user: User, secret: str, code: str, now: datetime) -> bool:
    """Check a code (one step of clock drift either way) and refuse any step already used."""
    totp = pyotp.TOTP(secret)
    code = "".join(code.split())
    try:
        # ASCII digits only: str.isdigit() also takes "²²²²²²", which compare_digest then cannot compare (a 500).
        parse_integer(code, 0, 999_999)
    except Refused:
        return False
    if len(code) != 6:
        return False
    for drift in (-1, 0, 1):
        step = totp.timecode(now) + drift
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _claim(user, step)
    return False


def _claim(user: User, step: int) -> bool:
    """Mark ``step`` used unless it (or a later one) already was: one statement, so two requests cannot both win."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
