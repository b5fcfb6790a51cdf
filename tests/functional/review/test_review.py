"""A submission's page, the practitioner's assessment, concurrent edits, the status workflow and erasure."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.models import Review, StatusChange, Submission, User
from app.questionnaires import current
from app.web.extensions import db
from tests.answers import typical_answers
from tests.practitioner import COLD_DAMP, URGENT, audit_events, hidden_value, sent, stored
from tests.staff import add_user, signed_in

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def view(client: FlaskClient, submission_id: int) -> str:
    response = client.get(f"/staff/submissions/{submission_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def assessment(page: str, **changes: Any) -> dict[str, Any]:
    """A valid assessment form as the page would post it (its version from the page)."""
    data: dict[str, Any] = {
        "row_version": hidden_value(page, "row_version"),
        "primary": "cold_damp",
        "secondary": ["kidney_deficiency"],
        "tongue_body": "pale",
        "tongue_coating": ["white", "greasy"],
        "tongue_shape": ["swollen"],
        "pulse": ["deep", "slow"],
        "notes": "Cold, heavy ache; worse in the rain.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def saved_review(app: Flask, submission_id: int) -> Review | None:
    with app.app_context():
        review = db.session.scalar(select(Review).where(Review.submission_id == submission_id))
        db.session.expunge_all()
        return review


def second_practitioner(app: Flask) -> FlaskClient:
    return signed_in(app, add_user(app, email="second@clinic.test"))


def test_the_page_shows_answers_by_section_in_the_patients_wording(app, practitioner_client):
    submission_id = sent(app, typical_answers(medicines="Ibuprofen 200mg"), message="Mornings are worst.")
    page = view(practitioner_client, submission_id)
    q = current()
    for section in q.sections:
        assert f"<h3>{section.title}</h3>" in page
    assert q.by_id["pain_feel"].text in page
    assert q.by_id["pain_feel"].option("dull_ache").text in page
    assert q.by_id["pain_feel"].option("sore_weak").text in page
    assert "Ibuprofen 200mg" in page
    # Engine result, its explanation and the score chart, with the numbers as text.
    assert "Kidney Deficiency" in page
    assert "Why Kidney Deficiency" in page
    assert '<figure class="score-chart">' in page
    assert '<table class="score-table">' in page
    # Contact and consent, decrypted for staff allowed to see them.
    assert "Ann Lee-Wong" in page
    assert "ann.lee@example.com" in page
    assert "+44 7400 123456" in page
    assert "Mornings are worst." in page
    assert "privacy notice" in page


def test_red_flags_and_cautions_are_shown(app, practitioner_client):
    page = view(practitioner_client, stored(app, URGENT))
    assert "Red flags" in page
    assert "Possible infection" in page
    assert "See a doctor today or tomorrow" in page
    assert "no pattern was offered" in page
    page = view(practitioner_client, stored(app, typical_answers(cautions=["blood_thinners"])))
    assert "Cautions before therapy" in page
    assert "Blood thinners" in page
    assert "Acupuncture</strong>: with care — Possible with care" in page


def test_a_self_screen_has_no_contact_section_and_no_workflow(app, practitioner_client):
    page = view(practitioner_client, stored(app))
    assert "Contact and consent" not in page
    assert "has no workflow" in page
    assert "Your assessment" in page


def test_unknown_submissions_are_404(practitioner_client):
    assert practitioner_client.get("/staff/submissions/999999").status_code == 404
    assert practitioner_client.post("/staff/submissions/999999/assessment", data={}).status_code == 404


def test_viewing_is_audited(app, practitioner_client):
    submission_id = sent(app)
    view(practitioner_client, submission_id)
    [event] = audit_events(app, "view")
    assert event.target == f"submission:{submission_id}"
    assert event.actor_email == "practitioner@clinic.test"


def test_a_valid_assessment_is_saved_with_what_the_engine_said(app, practitioner_client):
    submission_id = sent(app)
    page = view(practitioner_client, submission_id)
    assert hidden_value(page, "row_version") == "0"
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=assessment(page))
    assert response.status_code == 303
    assert response.location.endswith(f"/staff/submissions/{submission_id}#assessment")

    review = saved_review(app, submission_id)
    assert review is not None
    assert review.primary_pattern == "cold_damp"
    assert review.secondary_patterns == ["kidney_deficiency"]
    assert review.tongue == {"body": ["pale"], "coating": ["white", "greasy"], "shape": ["swollen"]}
    assert review.pulse == ["deep", "slow"]
    assert review.notes == "Cold, heavy ache; worse in the rain."
    assert review.engine_primary == "kidney_deficiency"
    assert review.rules_version
    assert review.row_version == 1

    page = view(practitioner_client, submission_id)
    assert "Your assessment is saved." in page
    assert hidden_value(page, "row_version") == "1"
    assert re.search(r'<option selected value="cold_damp">|<option value="cold_damp" selected>', page)
    assert "Last saved by practitioner@clinic.test" in page

    [change] = [e for e in audit_events(app, "change") if e.outcome == "success"]
    assert change.target == f"submission:{submission_id}"
    assert change.detail["what"] == "assessment"
    assert change.detail["agrees"] is False


def test_no_clear_pattern_and_no_findings_is_a_valid_assessment(app, practitioner_client):
    submission_id = sent(app)
    page = view(practitioner_client, submission_id)
    data = {"row_version": "0", "primary": "", "tongue_body": ""}
    assert practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data).status_code == 303
    review = saved_review(app, submission_id)
    assert review is not None
    assert review.primary_pattern is None
    assert review.tongue == {"body": [], "coating": [], "shape": []}
    assert review.pulse == []
    assert page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"primary": "damp_heat"}, "Not a valid choice"),
        ({"secondary": ["kidney_deficiency", "spleen"]}, "not a valid choice"),
        ({"tongue_body": "blue"}, "Not a valid choice"),
        ({"tongue_coating": ["white", "furry"]}, "not a valid choice"),
        ({"pulse": ["deep", "racing"]}, "not a valid choice"),
        ({"secondary": ["cold_damp"]}, "cannot also be the primary"),
        ({"notes": "x" * 5001}, "5000"),
        ({"row_version": "-1"}, "reload the page"),
        ({"row_version": "one"}, "reload the page"),
    ],
)
def test_invalid_codes_are_refused_and_the_input_kept(app, practitioner_client, changes, message):
    submission_id = sent(app)
    page = view(practitioner_client, submission_id)
    data = assessment(page, **{"notes": "My notes stay.", **changes})
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message.lower() in text.lower()
    if "notes" not in changes:
        assert "My notes stay." in text
    assert saved_review(app, submission_id) is None
    assert any(e.outcome == "invalid" for e in audit_events(app, "change"))


def test_xss_in_notes_is_escaped_on_every_practitioner_page(app, practitioner_client):
    submission_id = sent(app, typical_answers(medicines=XSS), name=XSS, message=XSS)
    page = view(practitioner_client, submission_id)
    data = assessment(page, notes=XSS)
    assert practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data).status_code == 303
    pages = {
        "submission": view(practitioner_client, submission_id),
        "print": practitioner_client.get(f"/staff/submissions/{submission_id}/print").get_data(as_text=True),
        "queue": practitioner_client.get("/staff/").get_data(as_text=True),
        "overview": practitioner_client.get("/staff/overview").get_data(as_text=True),
    }
    # The conflict page shows the other person's saved notes.
    other = second_practitioner(app)
    pages["conflict"] = other.post(
        f"/staff/submissions/{submission_id}/assessment", data=assessment(page, notes="mine")
    ).get_data(as_text=True)
    for name, text in pages.items():
        assert "<script>alert" not in text, name
        assert "<img src=x" not in text, name
    for name in ("submission", "print", "conflict"):
        assert pages[name].count(ESCAPED) >= 3, name  # notes, name, message (and the text answer)
    assert ESCAPED in pages["queue"]


def test_a_concurrent_edit_is_refused_with_409_and_nothing_is_overwritten(app, practitioner_client):
    submission_id = sent(app)
    other = second_practitioner(app)
    first_page = view(practitioner_client, submission_id)
    second_page = view(other, submission_id)
    assert hidden_value(first_page, "row_version") == hidden_value(second_page, "row_version") == "0"

    ok = practitioner_client.post(
        f"/staff/submissions/{submission_id}/assessment", data=assessment(first_page, notes="First saved.")
    )
    assert ok.status_code == 303
    late = other.post(
        f"/staff/submissions/{submission_id}/assessment",
        data=assessment(second_page, primary="liver_qi_stagnation", secondary=[], notes="Second's own notes."),
    )
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    # Nothing was overwritten.
    review = saved_review(app, submission_id)
    assert review is not None
    assert review.notes == "First saved."
    assert review.primary_pattern == "cold_damp"
    assert review.row_version == 1
    # A clear message; the other person's saved values; the user's own input kept; the form now based on theirs.
    assert "Someone else saved a change first" in text
    assert "Saved meanwhile" in text
    assert "First saved." in text
    assert "practitioner@clinic.test" in text
    assert "Second&#39;s own notes." in text or "Second's own notes." in text
    assert re.search(r'<option selected value="liver_qi_stagnation">|value="liver_qi_stagnation" selected', text)
    assert hidden_value(text, "row_version") == "1"
    assert any(e.outcome == "conflict" for e in audit_events(app, "change"))

    # Having seen the other assessment, the second practitioner may deliberately replace it.
    again = other.post(
        f"/staff/submissions/{submission_id}/assessment",
        data=assessment(text, primary="liver_qi_stagnation", secondary=[], notes="Second's own notes."),
    )
    assert again.status_code == 303
    review = saved_review(app, submission_id)
    assert review is not None
    assert review.notes == "Second's own notes."
    assert review.row_version == 2


def test_simultaneous_saves_keep_one_and_refuse_the_other(app, practitioner_client):
    """Two practitioners press Save at the same moment from the same version: one is saved, the other gets 409."""
    submission_id = sent(app)
    other = second_practitioner(app)
    page = view(practitioner_client, submission_id)
    start = threading.Barrier(2)
    codes: dict[str, int] = {}

    def save(name: str, client: FlaskClient) -> None:
        start.wait()
        response = client.post(f"/staff/submissions/{submission_id}/assessment", data=assessment(page, notes=name))
        codes[name] = response.status_code

    threads = [
        threading.Thread(target=save, args=(n, c)) for n, c in (("first", practitioner_client), ("second", other))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes.values()) == [303, 409]
    review = saved_review(app, submission_id)
    assert review is not None
    winner = next(name for name, code in codes.items() if code == 303)
    assert review.notes == winner
    assert review.row_version == 1


def status_version(page: str) -> str:
    return hidden_value(page, "status-row_version")


def move(client: FlaskClient, submission_id: int, to: str, version: str | None = None) -> Any:
    if version is None:
        page = view(client, submission_id)
        if "status-row_version" in page:
            version = status_version(page)
        else:  # a closed case or a self-screen has no status form: post its current version, as a forged form would
            with client.application.app_context():
                version = str(db.session.get(Submission, submission_id).row_version)  # type: ignore[union-attr]
    return client.post(
        f"/staff/submissions/{submission_id}/status", data={"status-row_version": version, "status-to_status": to}
    )


def test_the_status_workflow_records_who_and_when(app, practitioner_client):
    submission_id = sent(app)
    other = second_practitioner(app)
    for client, to in (
        (practitioner_client, "contacted"),
        (other, "booked"),
        (practitioner_client, "seen"),
        (other, "closed"),
    ):
        response = move(client, submission_id, to)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]

    with app.app_context():
        changes = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        emails = {u.id: u.email for u in db.session.scalars(select(User))}
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        assert submission.status == "closed"
        assert submission.status_changed_at == changes[-1].at
        moves = [(c.from_status, c.to_status, emails[c.user_id]) for c in changes]
        times = [c.at for c in changes]
    assert moves == [
        ("new", "contacted", "practitioner@clinic.test"),
        ("contacted", "booked", "second@clinic.test"),
        ("booked", "seen", "practitioner@clinic.test"),
        ("seen", "closed", "second@clinic.test"),
    ]
    assert times == sorted(times)
    page = view(practitioner_client, submission_id)
    assert "booked → seen" in page
    assert "second@clinic.test" in page
    assert "Move to" not in page  # closed is the end
    status_events = [e for e in audit_events(app, "change") if e.detail.get("what") == "status"]
    assert [(e.detail["from_status"], e.detail["to_status"]) for e in status_events] == [
        ("new", "contacted"),
        ("contacted", "booked"),
        ("booked", "seen"),
        ("seen", "closed"),
    ]


@pytest.mark.parametrize(("start", "to"), [("new", "seen"), ("booked", "contacted"), ("closed", "new"), ("new", "new")])
def test_moves_outside_the_workflow_are_refused(app, practitioner_client, start, to):
    submission_id = sent(app, status=start)
    response = move(practitioner_client, submission_id, to)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == start  # type: ignore[union-attr]
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_withdrawn_is_not_a_status_the_form_can_set(app, practitioner_client):
    submission_id = sent(app)
    assert move(practitioner_client, submission_id, "withdrawn").status_code == 422


def test_a_self_screen_cannot_be_moved(app, practitioner_client):
    submission_id = stored(app)
    assert move(practitioner_client, submission_id, "contacted").status_code == 422


def test_a_concurrent_status_change_is_refused_with_409(app, practitioner_client):
    submission_id = sent(app)
    other = second_practitioner(app)
    version = status_version(view(practitioner_client, submission_id))
    assert status_version(view(other, submission_id)) == version
    assert move(practitioner_client, submission_id, "contacted", version).status_code == 303
    late = move(other, submission_id, "closed", version)
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "it is now <strong>contacted</strong>" in text
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "contacted"  # type: ignore[union-attr]


def test_an_assessment_and_a_status_change_do_not_conflict(app, practitioner_client):
    submission_id = sent(app, COLD_DAMP)
    other = second_practitioner(app)
    page = view(practitioner_client, submission_id)
    assert move(other, submission_id, "contacted").status_code == 303
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=assessment(page))
    assert response.status_code == 303
    review = saved_review(app, submission_id)
    assert review is not None
    assert review.engine_primary == "cold_damp"


def test_erasure_on_request_needs_confirmation_and_leaves_a_stub(app, practitioner_client):
    submission_id = sent(app, URGENT, name="Ann Lee-Wong")
    page = view(practitioner_client, submission_id)
    assert practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=assessment(page))
    refused = practitioner_client.post(f"/staff/submissions/{submission_id}/erase", data={})
    assert refused.status_code == 422
    assert "Tick the box" in refused.get_data(as_text=True)

    done = practitioner_client.post(f"/staff/submissions/{submission_id}/erase", data={"erase-confirm": "y"})
    assert done.status_code == 303
    page = view(practitioner_client, submission_id)
    assert "Withdrawn" in page
    assert "Ann Lee-Wong" not in page
    assert "Your assessment" not in page
    assert saved_review(app, submission_id) is None
    [erase] = audit_events(app, "erase")
    assert erase.target == f"submission:{submission_id}"
    assert erase.actor_email == "practitioner@clinic.test"
    # Nothing can be recorded on an erased submission, and nothing is left to export.
    data = {"row_version": "0", "primary": "cold_damp"}
    response = practitioner_client.post(f"/staff/submissions/{submission_id}/assessment", data=data)
    assert response.status_code == 409
    assert saved_review(app, submission_id) is None
    assert practitioner_client.get(f"/staff/submissions/{submission_id}/fhir.json").status_code == 410
