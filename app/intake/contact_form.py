"""The intake form: contact details and consent, with the checks that keep automated posts out.

Every field is a plain string field, so whatever the person typed comes back exactly as typed when the page is
shown again with its problems. The hidden ``form_token`` is signed (``itsdangerous``): it carries the form's
idempotency key and the time the form was issued, so a post that comes too soon after can be recognised.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import BooleanField, Field, HiddenField, SelectMultipleField, StringField, TextAreaField

from app.contact_values import (
    InvalidContact,
    is_mobile,
    normalise_email,
    normalise_name,
    normalise_phone,
    phone_examples,
)
from app.input_values import Refused, clean_text, parse_integer
from app.intake import privacy
from app.intake.service import CONTACT_METHODS, CONTACT_TIMES, Consent, ContactDetails
from app.models import new_token

MAX_NAME_LENGTH = 100
MAX_MESSAGE_LENGTH = 1000
OLDEST_YEAR = 1900
MAX_AGE = 120
# Past every field's own limit: longer input is refused here, before its own message would be worked out.
MAX_TYPED_LENGTH = 5000
UNUSUAL_CHARACTERS = _l("Please remove the invisible or unusual characters from this field, then try again.")
FORM_SALT = "intake-form"  # separates these signatures from any other use of SECRET_KEY

# Where each problem is shown, in page order, for the links in the error summary.
ANCHORS = {
    "full_name": "full_name",
    "birth": "dob_day",
    "age": "age",
    "phone": "phone",
    "email": "email",
    "confirm_by_email": "confirm_by_email",
    "preferred_contact": "q-preferred_contact",
    "preferred_times": "q-preferred_times",
    "message": "message",
    "consent": "consent",
    "signature": "signature",
}


def _is_number(text: str) -> bool:
    try:
        parse_integer(text, 0, 9999)
    except Refused:
        return False
    return True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=FORM_SALT)


class ContactForm(FlaskForm):
    full_name = StringField(_l("Full name"))
    dob_day = StringField(_l("Day"))
    dob_month = StringField(_l("Month"))
    dob_year = StringField(_l("Year"))
    age = StringField(_l("Or your age, in years"))
    phone = StringField(_l("Phone number"))
    email = StringField(_l("Email address"))
    confirm_by_email = BooleanField(_l("Email me a confirmation with my reference code and private link"))
    preferred_contact = StringField(_l("How should the clinic contact you?"))
    preferred_times = SelectMultipleField(_l("Good times to contact you (optional)"), validate_choice=False)
    message = TextAreaField(_l("Anything you would like the clinic to know (optional)"))
    consent = BooleanField(_l("I agree"))
    signature = StringField(_l("Type your full name to sign"))
    notice_version = HiddenField()
    form_token = HiddenField()
    # A honeypot: hidden from people (and from screen readers), so only automated posts fill it in.
    website = StringField(_l("Leave this empty"))

    problems: dict[str, Any]
    notice: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems = {}
        self.notice = None
        if not self.is_submitted():  # a new, empty form: its own key, issued now, for the notice shown now
            self.form_token.data = _serializer().dumps(new_token())
            self.notice_version.data = privacy.VERSION

    def issued(self) -> tuple[str, datetime] | None:
        """The idempotency key in the signed token and when the form was issued; None if missing or altered."""
        try:
            key, issued_at = _serializer().loads(self.form_token.data or "", return_timestamp=True)
        except BadSignature:
            return None
        return (key, issued_at) if isinstance(key, str) else None

    def check(self, *, region: str, now: datetime, min_seconds: float) -> tuple[ContactDetails, Consent] | None:
        """Validate everything; on failure set ``problems`` (per field) or ``notice`` (the form) and return None."""
        csrf_ok = super().validate()
        name = self._name()
        birth, age = self._birth(now.date())
        phone, email = self._channels(region)
        method = self._method(phone, email)
        confirm = self._confirmation()
        times = self._times()
        message = self._typed("message", self.message)
        if len(message) > MAX_MESSAGE_LENGTH:
            self.problems["message"] = _l("Please keep your message to 1,000 characters or fewer.")
        signature = self._consent(name)
        self._automation(csrf_ok, now, min_seconds)
        self.problems = {key: self.problems[key] for key in ANCHORS if key in self.problems}  # in page order
        if self.problems or self.notice or name is None or method is None or signature is None:
            return None
        details = ContactDetails(
            name=name,
            date_of_birth=birth,
            age=age,
            phone=phone,
            email=email,
            preferred_contact=method,
            preferred_times=times,
            message=message,
            confirm_by_email=confirm,
        )
        return details, Consent(notice_version=privacy.VERSION, signature=signature, at=now)

    def _typed(self, key: str, field: Field) -> str:
        """What was typed in ``field``, through the input boundary; refused, it is a problem for ``key``, and the
        field still shows it as typed."""
        try:
            return clean_text(field.data or "", max_length=MAX_TYPED_LENGTH, multiline=field is self.message)
        except Refused:
            self.problems.setdefault(key, UNUSUAL_CHARACTERS)
            return ""

    def _name(self) -> str | None:
        name = " ".join(self._typed("full_name", self.full_name).split())
        if "full_name" in self.problems:
            return None
        if not name:
            self.problems["full_name"] = _l("Please enter your full name.")
        elif len(name) > MAX_NAME_LENGTH:
            self.problems["full_name"] = _l("Please keep your name to 100 characters or fewer.")
        else:
            return name
        return None

    def _birth(self, today: date) -> tuple[date | None, int | None]:
        day, month, year = (self._typed("birth", f) for f in (self.dob_day, self.dob_month, self.dob_year))
        age_text = self._typed("age", self.age)
        if "birth" in self.problems or "age" in self.problems:
            return None, None
        birth = age = None
        if day or month or year:
            birth = self._date_of_birth(day, month, year, today)
        if age_text:
            try:
                age = parse_integer(age_text, 1, MAX_AGE)
            except Refused:
                self.problems["age"] = _l("Please give your age as a whole number from 1 to 120.")
        if not (day or month or year or age_text):
            self.problems["birth"] = _l("Please give your date of birth or your age.")
        return birth, age

    def _date_of_birth(self, day: str, month: str, year: str, today: date) -> date | None:
        if not (day and month and year):
            self.problems["birth"] = _l("Please give the day, month and year of your date of birth.")
        elif not all(_is_number(part) for part in (day, month, year)):
            self.problems["birth"] = _l("Please use numbers for your date of birth, for example 27 3 1980.")
        elif len(year) != 4:
            self.problems["birth"] = _l("Please give the year of your date of birth with four digits, like 1980.")
        else:
            try:
                birth = date(int(year), int(month), int(day))
            except ValueError:
                self.problems["birth"] = _l("Please enter a real date of birth, for example 27 3 1980.")
                return None
            if birth > today:
                self.problems["birth"] = _l("Your date of birth must be in the past.")
            elif birth.year < OLDEST_YEAR:
                self.problems["birth"] = _l("Please check the year of your date of birth.")
            else:
                return birth
        return None

    def _channels(self, region: str) -> tuple[str | None, str | None]:
        phone_text = self._typed("phone", self.phone)
        email_text = self._typed("email", self.email)
        phone = email = None
        if "phone" in self.problems or "email" in self.problems:
            return None, None
        if phone_text:
            try:
                phone = normalise_phone(phone_text, region)
            except InvalidContact:
                national, international = phone_examples(region)
                self.problems["phone"] = _l(
                    "Please enter a phone number like %(national)s, or with the country code, like %(international)s.",
                    national=national,
                    international=international,
                )
        if email_text:
            try:
                email = normalise_email(email_text)
            except InvalidContact:
                self.problems["email"] = _l("Please enter an email address like name@example.com.")
        if not phone_text and not email_text:
            self.problems["phone"] = _l(
                "Please give a phone number or an email address (or both), so the clinic can reach you."
            )
        return phone, email

    def _confirmation(self) -> bool:
        """The confirmation goes to the email address given: asked for without one, the box is a problem."""
        wanted = bool(self.confirm_by_email.data)
        if wanted and not (self.email.data or "").strip() and "email" not in self.problems:
            self.problems["confirm_by_email"] = _l(
                "To get a confirmation by email, please give your email address above, or untick this box."
            )
        return wanted

    def _method(self, phone: str | None, email: str | None) -> str | None:
        method = (self.preferred_contact.data or "").strip()
        if method not in CONTACT_METHODS:
            self.problems["preferred_contact"] = _l("Please choose how the clinic should contact you.")
            return None
        if "phone" in self.problems or "email" in self.problems:
            pass  # the more basic problem is the one to fix first
        elif method in ("phone", "sms") and not (self.phone.data or "").strip():
            self.problems["phone"] = (
                _l("You chose a phone call: please give your phone number.")
                if method == "phone"
                else _l("You chose text messages: please give your mobile number.")
            )
        elif method == "sms" and phone is not None and not is_mobile(phone):
            self.problems["phone"] = _l(
                "Text messages need a mobile number: please give one, or choose another way to be contacted."
            )
        elif method == "email" and not (self.email.data or "").strip():
            self.problems["email"] = _l("You chose email: please give your email address.")
        return method

    def _times(self) -> tuple[str, ...]:
        chosen = set(self.preferred_times.data or [])
        if chosen - set(CONTACT_TIMES):
            self.problems["preferred_times"] = _l("Please choose from the times shown.")
        return tuple(t for t in CONTACT_TIMES if t in chosen)

    def _consent(self, name: str | None) -> str | None:
        if self.notice_version.data != privacy.VERSION:
            # The person agreed to a text that is no longer current: they read the new one and agree again.
            self.notice_version.data = privacy.VERSION
            self.consent.data = False
            self.problems["consent"] = _l(
                "The privacy notice has changed since you opened this page. Please read it again and tick the box "
                "if you agree."
            )
        elif not self.consent.data:
            self.problems["consent"] = _l("Please tick the box to agree, or the clinic cannot receive your details.")
        signature = " ".join(self._typed("signature", self.signature).split())
        if "signature" in self.problems:
            return None
        if not signature:
            self.problems["signature"] = _l("Please type your full name to sign.")
            return None
        if name is not None and normalise_name(signature) != normalise_name(name):
            self.problems["signature"] = _l("Please type your full name exactly as you gave it above.")
            return None
        return signature

    def _automation(self, csrf_ok: bool, now: datetime, min_seconds: float) -> None:
        """Refuse gently, keeping everything typed: a person who is refused by mistake just presses Send again."""
        issued = self.issued()
        if self.website.data:
            self.website.data = ""
            self.notice = _l(
                "Something about this form looked automated. Your details are still here: please check them and "
                "press Send again."
            )
        elif not csrf_ok or issued is None:
            self.form_token.data = _serializer().dumps(new_token())
            self.notice = _l(
                "This page had expired. Your details are still here: please check them and press Send again."
            )
        elif (now - issued[1]).total_seconds() < min_seconds:
            self.notice = _l(
                "That was quicker than we expected. Your details are still here: please check them and press Send "
                "again."
            )
