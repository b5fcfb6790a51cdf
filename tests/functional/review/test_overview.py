"""The overview: submissions per pattern per week, the share of urgent screens, agreement with the engine."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from app import rules
from app.models import Submission, utcnow
from app.review import overview
from app.web.extensions import db
from tests.answers import typical_answers
from tests.practitioner import COLD_DAMP, URGENT, audit_events, sent, stored

NOW = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)  # a Wednesday; its week starts on Monday 16 March


def assess(client, submission_id: int, primary: str) -> None:
    data = {"row_version": "0", "primary": primary}
    assert client.post(f"/staff/submissions/{submission_id}/assessment", data=data).status_code == 303


def test_weekly_counts_by_engine_result_and_urgent_share(app):
    stored(app, created_at=NOW - timedelta(days=1))  # this week: kidney
    stored(app, COLD_DAMP, created_at=NOW - timedelta(days=2))  # this week: cold-damp
    stored(app, URGENT, created_at=NOW - timedelta(days=2, hours=1))  # this week: urgent
    sent(app, created_at=datetime(2026, 3, 15, 23, 59, tzinfo=UTC))  # Sunday: the week before
    stored(app, typical_answers(pain_feel=["burning"]), created_at=NOW - timedelta(days=9))
    stored(app, created_at=NOW - timedelta(weeks=20))  # outside the weeks shown
    gone = stored(app, created_at=NOW - timedelta(days=1), status="withdrawn")
    assert gone

    with app.app_context():
        summary = overview.build(NOW, weeks=4)
    assert summary.weeks == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert summary.per_category["kidney_deficiency"] == [0, 0, 2, 1]
    assert summary.per_category["cold_damp"] == [0, 0, 0, 1]
    assert summary.per_category["urgent"] == [0, 0, 0, 1]
    assert summary.totals == [0, 0, 2, 3]
    assert round(summary.urgent_share[3], 1) == 33.3
    assert summary.urgent_share[0] == 0.0


def test_agreement_per_rules_version_and_the_confusion_matrix(app, practitioner_client):
    kidney = [sent(app) for _ in range(3)]
    cold = sent(app, COLD_DAMP)
    urgent = sent(app, URGENT)
    assess(practitioner_client, kidney[0], "kidney_deficiency")
    assess(practitioner_client, kidney[1], "kidney_deficiency")
    assess(practitioner_client, kidney[2], "liver_qi_stagnation")
    assess(practitioner_client, cold, "cold_damp")
    assess(practitioner_client, urgent, "")
    # An assessment made while an older rules version had scored the submission.
    older = sent(app)
    with app.app_context():
        submission = db.session.get(Submission, older)
        assert submission is not None
        submission.rules_version = "1.0.0"
        submission.primary_pattern = "qi_blood_stagnation"
        db.session.commit()
    assess(practitioner_client, older, "kidney_deficiency")

    with app.app_context():
        summary = overview.build(utcnow())
    assert [(a.rules_version, a.reviewed, a.agreed) for a in summary.agreement] == [
        ("1.0.0", 1, 0),
        (rules.RULES_VERSION, 5, 4),
    ]
    assert summary.agreement[1].rate == 80.0
    assert summary.matrix[("kidney_deficiency", "kidney_deficiency")] == 2
    assert summary.matrix[("kidney_deficiency", "liver_qi_stagnation")] == 1
    assert summary.matrix[("cold_damp", "cold_damp")] == 1
    assert summary.matrix[("none", "none")] == 1
    assert summary.matrix[("qi_blood_stagnation", "kidney_deficiency")] == 1
    assert summary.matrices["1.0.0"] == {("qi_blood_stagnation", "kidney_deficiency"): 1}

    page = practitioner_client.get("/staff/overview").get_data(as_text=True)
    assert "80.0%" in page
    version = re.escape(rules.RULES_VERSION)
    row = rf"<th scope=\"row\">{version}</th><td class=\"number\">5</td><td class=\"number\">4</td>"
    assert re.search(row, page)


def test_versions_sort_numerically():
    assert sorted(["1.10.0", "1.9.0", "1.1.0", "2.0.0-beta"], key=overview._version_key) == [
        "1.1.0",
        "1.9.0",
        "1.10.0",
        "2.0.0-beta",
    ]


def test_the_page_draws_svg_charts_without_inline_styles_and_shows_the_numbers(app, practitioner_client):
    now = utcnow()
    stored(app, created_at=now - timedelta(hours=1))
    stored(app, URGENT, created_at=now - timedelta(hours=2))
    assess(practitioner_client, sent(app, created_at=now - timedelta(hours=3)), "kidney_deficiency")
    response = practitioner_client.get("/staff/overview?weeks=4")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 4  # per week, urgent share, agreement per version, the matrix
    assert 'role="img"' in page
    assert "style=" not in page
    assert "<script>" not in page
    assert 'class="series-0"' in page
    assert "<title>" in page  # exact numbers under the pointer
    # The same numbers as tables.
    assert "Submissions per week by the engine’s result" in page
    with app.app_context():
        summary = overview.build(utcnow(), weeks=4)
    assert sum(summary.totals) == 3
    for week, total, share in zip(summary.weeks, summary.totals, summary.urgent_share, strict=True):
        row = re.search(rf"<th scope=\"row\">{week.isoformat()}</th>(.*?)</tr>", page, re.S)
        assert row
        assert f'<td class="number">{total}</td><td class="number">{share:.1f}%</td>' in row.group(1)
    assert "Agreement per rules version" in page
    [event] = audit_events(app, "view")
    assert event.target == "overview"


def test_an_empty_clinic_has_an_overview_too(app, practitioner_client):
    page = practitioner_client.get("/staff/overview?weeks=1000").get_data(as_text=True)
    assert "No submission has been assessed yet." in page
    assert "style=" not in page
