"""Authorisation matrix rows for the analysis pages (collected by tests/security/route_table.py)."""
from __future__ import annotations

from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)

CASES: list = []

# --- analysis themes (app/analysis/theme_routes.py, the summary API) -----------------------------
# Theme pages, the codebook and the summary API: working group and administrators; everyone else 404.
# Consultation visibility still applies: a draft only for administrators. The themes of an action
# field and a period like its summary: bad dates 400 for analysts (404 for the rest, before anything).
ANALYSTS = ("working_group", "admin")


def _pub(w):
    return {"slug": w.pub.slug}


CASES += [
    get("themes.consultation_themes", only(ANALYSTS, 200), _pub, label="public"),
    get("themes.consultation_themes", only(ANALYSTS, 200), lambda w: {"slug": w.internal.slug}, label="internal"),
    get("themes.consultation_themes", only(ADMIN, 200), lambda w: {"slug": w.draft.slug}, label="draft"),
    get("themes.run_status", only(ANALYSTS, 200), lambda w: {"run_id": w.analysis_run.id}),
    get("themes.run_status", everyone(404), lambda w: {"run_id": 999999}, label="unknown"),
    get("themes.theme", only(ANALYSTS, 200), lambda w: {"theme_id": w.theme.id}),
    get("themes.theme", only(ADMIN, 200), lambda w: {"theme_id": w.draft_theme.id}, label="of a draft"),
    get("themes.field_themes", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug}),
    get("themes.field_themes", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "from": "2024-01-01",
                                                               "to": "2030-12-31"}, label="range"),
    get("themes.field_themes", only(ANALYSTS, 400), lambda w: {"slug": w.field.slug, "from": "2024-02-30"},
        label="bad date"),
    get("themes.field_themes", only(ANALYSTS, 400), lambda w: {"slug": w.field.slug, "from": "2025-02-01",
                                                               "to": "2025-01-01"}, label="end before start"),
    get("themes.field_themes", everyone(404), lambda w: {"slug": "no-such-field"}, label="unknown"),
    get("themes.run_status", only(ANALYSTS, 200), lambda w: {"run_id": w.field_run.id}, label="of a field"),
    get("themes.theme", only(ANALYSTS, 200), lambda w: {"theme_id": w.field_theme.id}, label="of a field"),
    get("themes.codes", only(ANALYSTS, 200)),
    get("themes.edit_code", only(ANALYSTS, 200), lambda w: {"code_id": w.code.id}),
    get("api.summary", only(ANALYSTS, 200), _pub),
    get("api.summary", only(ADMIN, 200), lambda w: {"slug": w.draft.slug}, label="draft"),
    post("themes.rename", only(ANALYSTS, 422), lambda w: {"theme_id": w.theme.id}, label="empty form"),
    post("themes.merge", only(ANALYSTS, 422), lambda w: {"theme_id": w.theme.id}, label="empty form"),
    post("themes.contributions", only(ANALYSTS, 422), lambda w: {"theme_id": w.theme.id}, label="empty form"),
    post("themes.codes", only(ANALYSTS, 422), label="empty form"),
    post("themes.edit_code", only(ANALYSTS, 422), lambda w: {"code_id": w.code.id}, label="empty form"),
    # Publishing on the consultation page: refused (409) before approval and for an action field's summary;
    # taking it off is always possible; once approved (the next row), it is published.
    post("themes.publish", only(ANALYSTS, 409), lambda w: {"run_id": w.analysis_run.id}, label="not approved"),
    post("themes.publish", only(ANALYSTS, 409), lambda w: {"run_id": w.field_run.id}, label="of a field"),
    post("themes.unpublish", only(ANALYSTS, 303), lambda w: {"run_id": w.analysis_run.id}),
    post("themes.publish", everyone(404), lambda w: {"run_id": 999999}, label="unknown"),
    post("themes.approve", only(ANALYSTS, 303), lambda w: {"run_id": w.analysis_run.id}),
    post("themes.publish", only(ANALYSTS, 303), lambda w: {"run_id": w.analysis_run.id}, label="approved"),
    post("themes.rename", only(ANALYSTS, 422), lambda w: {"theme_id": w.field_theme.id},
         label="of a field, empty form"),
    post("themes.approve", only(ANALYSTS, 303), lambda w: {"run_id": w.field_run.id}, label="of a field"),
    post("themes.start_run", only(ANALYSTS, 303), _pub),
    post("themes.start_field_run", only(ANALYSTS, 400), lambda w: {"slug": w.field.slug, "to": "x"},
         label="bad date"),
    post("themes.start_field_run", everyone(404), lambda w: {"slug": "no-such-field"}, label="unknown"),
    post("themes.start_field_run", only(ANALYSTS, 303), lambda w: {"slug": w.field.slug, "from": "2024-01-01"}),
    post("themes.delete_code", only(ANALYSTS, 303), lambda w: {"code_id": w.code.id}),  # last: deletes the code
]
# --- end analysis themes

# --- analysis summaries (app/analysis/routes.py): summary pages, exports and memos ---------------
# Working group and administrators; everyone else 404 (moderators too). Visibility still applies:
# a draft only for administrators. Bad dates: 400 for analysts (404 for the rest, before anything).


def _field(w):
    return {"slug": w.field.slug}


CASES += [
    get("analysis.index", only(ANALYSTS, 200)),
    get("analysis.choose_field", only(ANALYSTS, 400), label="empty form"),
    get("analysis.consultation", only(ANALYSTS, 200), _pub, label="public"),
    get("analysis.consultation", only(ANALYSTS, 200), lambda w: {"slug": w.internal.slug}, label="internal"),
    get("analysis.consultation", only(ADMIN, 200), lambda w: {"slug": w.draft.slug}, label="draft"),
    get("analysis.consultation", only(ANALYSTS, 400), lambda w: {"slug": w.pub.slug, "since": "31.12.2024"},
        label="bad since"),
    get("analysis.consultation", everyone(404), lambda w: {"slug": "no-such-consultation"}, label="unknown"),
    get("analysis.field", only(ANALYSTS, 200), _field),
    get("analysis.field", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "from": "2024-01-01",
                                                          "to": "2030-12-31"}, label="range"),
    get("analysis.field", only(ANALYSTS, 400), lambda w: {"slug": w.field.slug, "from": "2024-02-30"},
        label="bad date"),
    get("analysis.field", everyone(404), lambda w: {"slug": "no-such-field"}, label="unknown"),
    get("analysis.consultation_export", only(ANALYSTS, 200), lambda w: {"slug": w.pub.slug, "fmt": "xlsx"},
        label="xlsx"),
    get("analysis.consultation_export", only(ANALYSTS, 200), lambda w: {"slug": w.pub.slug, "fmt": "csv"},
        label="csv"),
    get("analysis.consultation_export", only(ADMIN, 200), lambda w: {"slug": w.draft.slug, "fmt": "csv"},
        label="draft"),
    get("analysis.consultation_memo", only(ANALYSTS, 200), lambda w: {"slug": w.pub.slug, "fmt": "pdf"},
        label="pdf"),
    get("analysis.consultation_memo", only(ANALYSTS, 200), lambda w: {"slug": w.internal.slug, "fmt": "docx"},
        label="docx"),
    get("analysis.field_export", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "fmt": "xlsx"}, label="xlsx"),
    get("analysis.field_export", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "fmt": "csv"}, label="csv"),
    get("analysis.field_export", only(ANALYSTS, 400), lambda w: {"slug": w.field.slug, "fmt": "csv", "to": "x"},
        label="bad date"),
    get("analysis.field_memo", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "fmt": "pdf"}, label="pdf"),
    get("analysis.field_memo", only(ANALYSTS, 200), lambda w: {"slug": w.field.slug, "fmt": "docx",
                                                               "since": "2024-01-01"}, label="docx"),
]
# --- end analysis summaries
