"""The clinic's own details: read on every page that shows one, changed by an admin (page or ``flask clinic``).

Each process keeps the settings it last read together with their version. A request that needs them reads only the
version (one primary-key read, at most once per request: the answer is kept on ``flask.g``) and reads the whole row
again only when the version has moved, so a change made through any server or worker shows on the next request
everywhere. Pages that show no setting read nothing. Kept markup (``app.patient.fragments``) that shows a setting
names the version in its key.

Until an admin saves them the clinic is "not set up": patients see neutral wording (a generic name, "your local
emergency number") and every therapy counts as offered; admins see a notice on staff pages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.local import LocalProxy

from app.advice import THERAPY_BY_CODE, THERAPY_CODES, offered_therapies
from app.catalogues import translate
from app.models import SETTINGS_ROW, ClinicSettings, User, utcnow
from app.questionnaire import N_
from app.web import audit
from app.web.database import begin_write, driver_scalar, single_read
from app.web.errors import database_unavailable
from app.web.extensions import db

log = logging.getLogger(__name__)

# What patients read where the clinic's name would be, until it is set.
NEUTRAL_NAME = N_("TCM back pain clinic")


@dataclass(frozen=True)
class Clinic:
    """The settings as one request sees them (immutable: shared by every request of a process)."""

    name_en: str = ""
    name_zh: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    data_controller: str = ""
    emergency_number: str = ""
    urgent_number: str = ""
    therapies: tuple[str, ...] = THERAPY_CODES
    configured: bool = False
    version: int = 0

    def name(self, language: str) -> str:
        """The clinic's name in ``language`` ("en", "zh_Hans"), else in the other language, else neutral wording."""
        chinese = language.startswith("zh")
        given = (self.name_zh or self.name_en) if chinese else (self.name_en or self.name_zh)
        if given:
            return given
        return translate(NEUTRAL_NAME, language) or NEUTRAL_NAME

    def values(self) -> dict[str, Any]:
        """The settings an admin sets, by name (``FIELDS``)."""
        return {name: getattr(self, name) for name in FIELDS}


# The settings an admin sets, in the order pages and ``flask clinic show`` list them.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Clinic) if f.name not in ("configured", "version"))
NOT_SET_UP = Clinic()


@dataclass(frozen=True)
class Preset:
    label: str
    emergency_number: str
    urgent_number: str


# Emergency and urgent (non-emergency) medical numbers, offered on the settings page and editable there.
# The US has no national urgent advice line (988 is for mental health crises), so it has none. In mainland China
# 12320 is a public-health information and complaints line, staffed office hours in many cities and merged into
# 12345 in several provinces: not a line to send someone who must see a doctor today, so it has none either.
PRESETS: dict[str, Preset] = {
    "GB": Preset("United Kingdom", "999", "111"),
    "US": Preset("United States", "911", ""),
    "CN": Preset("Mainland China", "120", ""),
}

# Read on every page that shows a setting: constant SQL, the same on every engine (see ``driver_scalar``), of
# ``ClinicSettings``'s table and its one row (``SETTINGS_ROW``).
_VERSION = "SELECT version FROM clinic_settings WHERE id = 1"
_ROW = select(*(ClinicSettings.__table__.c[name] for name in (*FIELDS, "version"))).where(
    ClinicSettings.id == SETTINGS_ROW
)


def current() -> Clinic:
    """The clinic's settings now: read once per request (the version), the row only when it has changed."""
    in_request = has_request_context()
    if in_request:
        seen: Clinic | None = g.get("_clinic")
        if seen is not None:
            return seen
    settings = _latest()
    if in_request:
        g._clinic = settings
    return settings


def _latest() -> Clinic:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kept: Clinic | None = app.extensions.get("clinic")
    try:
        version = driver_scalar(_VERSION)
        if kept is not None and kept.version == (version or 0):
            return kept
        with single_read() as connection:
            row = None if version is None else connection.execute(_ROW).mappings().first()
    except (DBAPIError, PoolTimeout) as error:
        if not database_unavailable(error):
            raise
        # The page that says the database is away must still render: with what this process last saw.
        log.warning("clinic settings unavailable: %s", type(error).__name__)
        return kept or NOT_SET_UP
    settings = NOT_SET_UP if row is None else _from_row(row)
    app.extensions["clinic"] = settings
    if kept is not None:
        app.extensions.pop("fragments", None)  # markup kept for the old version would never be asked for again
    return settings


def _from_row(row: Mapping[str, Any]) -> Clinic:
    values = {name: row[name] for name in FIELDS}
    values["therapies"] = tuple(code for code in THERAPY_CODES if code in row["therapies"])
    return Clinic(**values, configured=True, version=row["version"])


def update(values: Mapping[str, Any], *, actor: User | None = None, **detail: Any) -> list[str]:
    """Store checked settings (``app.staff.clinic_form``) and audit what changed; returns the names that changed.

    Flushes; the caller commits. Nothing changed, nothing stored: the version moves only with a change. The first
    save sets the clinic up, even if it keeps every value shown.
    """
    begin_write()
    row = db.session.get(ClinicSettings, SETTINGS_ROW, with_for_update=True)
    before = NOT_SET_UP if row is None else _from_row({n: getattr(row, n) for n in (*FIELDS, "version")})
    after = {**before.values(), **values}
    after["therapies"] = tuple(code for code in THERAPY_CODES if code in after["therapies"])
    changed = [name for name in FIELDS if after[name] != getattr(before, name)]
    if row is not None and not changed:
        return []
    if row is None:
        row = ClinicSettings(id=SETTINGS_ROW, version=0)
        db.session.add(row)
    for name in FIELDS:
        setattr(row, name, list(after[name]) if name == "therapies" else after[name])
    row.version += 1
    row.updated_at = utcnow()
    db.session.flush()
    # The clinic's details are public business details, not anyone's health data: the trail keeps both values.
    audit.record(
        "clinic_settings_changed",
        target="clinic",
        actor=actor,
        version=row.version,
        changed=changed,
        before={name: _plain(getattr(before, name)) for name in changed},
        after={name: _plain(after[name]) for name in changed},
        **detail,
    )
    if has_request_context():
        g.pop("_clinic", None)
    return changed


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def as_offered(result: Mapping[str, Any]) -> dict[str, Any]:
    """An assessment's JSON (stored, or just made) with its therapies as the clinic offers them now.

    ``therapies`` keeps only those the clinic offers; ``other_therapies`` says what else it offers when some were
    left out (``app.advice.offered_therapies``). An erased result has no therapies and is left as it is.
    """
    if "therapies" not in result:
        return dict(result)
    offered = offered_therapies(result["therapies"], result.get("cautions", ()), current().therapies)
    others = [{"code": code, "name": THERAPY_BY_CODE[code].name} for code in offered.others]
    return {**result, "therapies": [dict(t) for t in offered.shown], "other_therapies": others}


def tel(number: str) -> str:
    """A number as a ``tel:`` link takes it: the leading + and the digits (numbers are checked on the way in)."""
    return "".join(char for char in number if char.isdigit() or char == "+")


# For templates: ``clinic.name_en``; reading the settings only when a page asks for one.
template_proxy = LocalProxy(current)
