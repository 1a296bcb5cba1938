"""Statements of organisations: submitting with a PDF, refusals (not a PDF, too large, empty text),
no orphan file, the download, who may submit, and what the public pages show."""
from __future__ import annotations

import hashlib
import io
import os
import re

import pytest
import sqlalchemy as sa

from app.consultations.models import ConsultationStatus, ModerationMode
from app.contributions.models import Channel, Contribution, ContributionStatus
from app.organisations.models import OrganisationStatus, Statement
from app.organisations.statements import sanitise_filename
from tests.factories import make_consultation, make_organisation, make_user
from tests.helpers import count, get_csrf_token

# A small but complete PDF (one empty A4 page).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n")
TEXT = "Wir begrüßen die Beteiligung und schlagen vor, die Beratungsstellen in den Stadtteilen zu stärken."
TEN_MB = 10 * 1024 * 1024


@pytest.fixture()
def attachments(app, tmp_path, monkeypatch):
    """A fresh attachment directory for the test."""
    directory = tmp_path / "attachments"
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(directory))
    return directory


def _files(directory):
    return sorted(os.listdir(directory)) if directory.exists() else []


@pytest.fixture()
def setting(db, client):
    consultation = make_consultation()
    member = make_user("organisation_member")
    organisation = make_organisation(members=[(member, "member")])
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
        session["_fresh"] = True
    return consultation, organisation, member


def _post(client, consultation, *, title="Stellungnahme des Vereins", text=TEXT, file=None, organisation=None,
          lang="de"):
    path = f"/{lang}/consultations/{consultation.slug}/statements/new"
    data = {"csrf_token": get_csrf_token(client, path), "title": title, "text": text}
    if organisation is not None:
        data["organisation"] = str(organisation.id)
    else:  # the one organisation, as the form's hidden field sends it
        match = re.search(r'name="organisation" value="(\d+)"', client.get(path).get_data(as_text=True))
        data["organisation"] = match.group(1)
    if file is not None:
        data["attachment"] = file
    return client.post(path, data=data, content_type="multipart/form-data")


def _pdf(content=PDF, name="Stellungnahme März.pdf", mimetype="application/pdf"):
    return (io.BytesIO(content), name, mimetype)


def test_a_member_submits_a_statement_with_a_pdf(client, db, setting, attachments):
    consultation, organisation, member = setting
    response = _post(client, consultation, organisation=organisation, file=_pdf())
    assert response.status_code == 303, response.get_data(as_text=True)
    statement = db.session.scalars(sa.select(Statement)).one()
    contribution = statement.contribution
    assert contribution.channel is Channel.STATEMENT
    assert contribution.organisation_id == organisation.id and contribution.author_id == member.id
    assert contribution.status is ContributionStatus.PUBLISHED
    assert contribution.language == "de" and contribution.text == TEXT
    assert statement.attachment_size == len(PDF)
    assert statement.attachment_sha256 == hashlib.sha256(PDF).hexdigest()
    assert statement.attachment_filename == "Stellungnahme März.pdf"
    assert _files(attachments) == [f"{statement.attachment_key}.pdf"]
    assert (attachments / f"{statement.attachment_key}.pdf").read_bytes() == PDF

    page = client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)
    assert "Statements of organisations" in page and "Stellungnahme des Vereins" in page
    assert "Organisation" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    # Listed once, in the statements section, not again among the residents' contributions.
    assert page.count(TEXT[:40]) <= 1 and "0 published contributions" in page
    contributions_section = page.split('id="contributions-heading"', 1)[1]
    assert "Beratungsstellen" not in contributions_section
    detail = client.get(f"/en/consultations/{consultation.slug}/contributions/{contribution.id}")
    assert detail.status_code == 200
    html = detail.get_data(as_text=True)
    assert "Statement of Organisation" in html and "Beratungsstellen" in html


def test_the_download_is_an_attachment_with_a_safe_name(client, db, setting, attachments):
    consultation, organisation, _member = setting
    _post(client, consultation, file=_pdf(name="../../etc/evil;name.PDF"))
    statement = db.session.scalars(sa.select(Statement)).one()
    anonymous = client.application.test_client()
    response = anonymous.get(f"/de/consultations/{consultation.slug}/statements/{statement.id}/attachment")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename=evilname.pdf' in disposition
    assert "/" not in disposition and "\\" not in disposition and "\r" not in disposition


@pytest.mark.parametrize(("name", "expected"), [
    ("Stellungnahme März.pdf", "Stellungnahme März.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ('C:\\Users\\x\\"a";b.pdf', "ab.pdf"),
    ("", "statement.pdf"),
    ("...", "statement.pdf"),
    ("a\r\nb\x00c.pdf", "abc.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_file_names_are_sanitised(name, expected):
    assert sanitise_filename(name) == expected


def test_without_attachment(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    assert _post(client, consultation).status_code == 303
    statement = db.session.scalars(sa.select(Statement)).one()
    assert statement.attachment_key is None and _files(attachments) == []
    response = client.get(f"/de/consultations/{consultation.slug}/statements/{statement.id}/attachment")
    assert response.status_code == 404


def _assert_nothing_stored(db, attachments):
    assert count(db, Statement) == 0 and count(db, Contribution) == 0
    assert [f for f in _files(attachments)] == []


def test_wrong_magic_bytes_are_refused(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    response = _post(client, consultation, file=_pdf(b"<html>not a pdf</html>"), lang="en")
    assert response.status_code == 422
    assert "The attachment must be a PDF file." in response.get_data(as_text=True)
    _assert_nothing_stored(db, attachments)


def test_a_wrong_content_type_is_refused(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    response = _post(client, consultation, file=_pdf(mimetype="text/html"), lang="en")
    assert response.status_code == 422
    assert "The attachment must be a PDF file." in response.get_data(as_text=True)
    _assert_nothing_stored(db, attachments)


def test_a_file_over_10_mb_gets_413(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    response = _post(client, consultation, file=_pdf(PDF + b"0" * (TEN_MB + 1 - len(PDF))), lang="en")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "a PDF may have at most 10 MB" in html and 'name="title"' in html  # the form, with its message
    _assert_nothing_stored(db, attachments)


def test_exactly_10_mb_is_accepted(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    response = _post(client, consultation, file=_pdf(PDF + b"0" * (TEN_MB - len(PDF))))
    assert response.status_code == 303
    assert db.session.scalars(sa.select(Statement)).one().attachment_size == TEN_MB


def test_a_body_far_over_the_allowance_gets_a_translated_413_page(app, client, db, setting, attachments):
    consultation, _organisation, _member = setting
    too_much = app.config["MAX_CONTENT_LENGTH"] + TEN_MB + 1
    response = _post(client, consultation, file=_pdf(PDF + b"0" * too_much), lang="en")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<h1>Too much data</h1>" in html and "a PDF may have at most 10 MB" in html
    _assert_nothing_stored(db, attachments)


def test_other_forms_keep_the_small_limit(client, db, setting):
    consultation, _organisation, _member = setting
    path = f"/en/consultations/{consultation.slug}/contribute"
    data = {"csrf_token": get_csrf_token(client, path), "language": "en",
            f"q{consultation.questions[0].id}": "x" * (600 * 1024)}
    assert client.post(path, data=data).status_code == 413


def test_empty_text_is_refused(client, db, setting, attachments):
    consultation, _organisation, _member = setting
    response = _post(client, consultation, text="   ", file=_pdf(), lang="en")
    assert response.status_code == 422
    assert "Please enter the text of the statement." in response.get_data(as_text=True)
    _assert_nothing_stored(db, attachments)


def test_no_orphan_file_when_the_database_write_fails(client, db, setting, attachments, monkeypatch):
    consultation, _organisation, _member = setting
    from app.extensions import db as _db

    def failing_commit():
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(_db.session, "commit", failing_commit)
    response = _post(client, consultation, file=_pdf(), lang="en")
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Nothing you entered was saved" in response.get_data(as_text=True)
    _assert_nothing_stored(db, attachments)


def test_pre_moderation_keeps_the_statement_pending(client, db, attachments):
    consultation = make_consultation(moderation=ModerationMode.PRE)
    member = make_user("organisation_member")
    make_organisation(members=[(member, "owner")])
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
    assert _post(client, consultation, file=_pdf()).status_code == 303
    statement = db.session.scalars(sa.select(Statement)).one()
    assert statement.contribution.status is ContributionStatus.PENDING
    url = f"/de/consultations/{consultation.slug}/statements/{statement.id}/attachment"
    anonymous = client.application.test_client()
    assert anonymous.get(url).status_code == 404
    assert "Stellungnahme des Vereins" not in anonymous.get(f"/de/consultations/{consultation.slug}").get_data(
        as_text=True)
    moderator = client.application.test_client()
    with moderator.session_transaction() as session:
        session["_user_id"] = make_user("moderator").get_id()
    assert moderator.get(url).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "resident", "pending_member", "suspended_member"])
def test_only_members_of_a_verified_organisation_may_submit(app, db, who, attachments):
    consultation = make_consultation()
    client = app.test_client()
    user = None
    if who == "resident":
        user = make_user("resident")
    elif who != "anonymous":
        user = make_user("organisation_member")
        status = OrganisationStatus.PENDING if who == "pending_member" else OrganisationStatus.SUSPENDED
        make_organisation(status=status, members=[(user, "owner")])
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    path = f"/de/consultations/{consultation.slug}/statements/new"
    assert client.get(path).status_code == 403
    token = get_csrf_token(client, "/de/account/reset")
    response = client.post(path, data={"csrf_token": token, "title": "T", "text": TEXT,
                                       "attachment": _pdf()}, content_type="multipart/form-data")
    assert response.status_code == 403
    _assert_nothing_stored(db, attachments)


def test_any_verified_organisation_not_only_co_hosts(client, db, setting, attachments):
    consultation, organisation, _member = setting
    assert not consultation.cohosts
    assert client.get(f"/de/consultations/{consultation.slug}/statements/new").status_code == 200


def test_a_member_of_several_organisations_chooses_one(client, db, attachments):
    consultation = make_consultation()
    user = make_user("organisation_member")
    first = make_organisation(members=[(user, "member")])
    second = make_organisation(members=[(user, "language_mediator")])
    pending = make_organisation(status=OrganisationStatus.PENDING, members=[(user, "owner")])
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    page = client.get(f"/de/consultations/{consultation.slug}/statements/new").get_data(as_text=True)
    assert f'value="{first.id}"' in page and f'value="{second.id}"' in page and f'value="{pending.id}"' not in page
    assert _post(client, consultation, organisation=pending).status_code == 422
    assert count(db, Statement) == 0
    assert _post(client, consultation, organisation=second).status_code == 303
    assert db.session.scalars(sa.select(Statement)).one().organisation_id == second.id


def test_a_closed_consultation_refuses_statements(client, db, attachments):
    consultation = make_consultation(status=ConsultationStatus.CLOSED)
    user = make_user("organisation_member")
    make_organisation(members=[(user, "member")])
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert client.get(f"/de/consultations/{consultation.slug}/statements/new").status_code == 409
