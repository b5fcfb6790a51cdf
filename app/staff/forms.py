"""Forms for staff: sign-in and password change (static forms; the questionnaire's live in ``app.forms``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from app.web.field_checks import CleanText


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), CleanText(254)])
    # No upper bound below 128 would be honest; longer input is simply a wrong password.
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)])
