"""The authorisation matrix: every route of the application × every role gets exactly the status
the table in :mod:`tests.security.route_table` names; every answer carries the security headers."""
from __future__ import annotations

import pytest

from tests.security.route_table import CASES, classified, routes_of, url_for_case
from tests.security.world import ROLES, client_as, csrf_token_for


def test_every_route_is_classified(app):
    missing = sorted(routes_of(app) - classified())
    assert not missing, ("Routes missing from the authorisation table (tests/security/route_table.py); "
                         f"add each with the status every role gets: {missing}")
    stale = sorted(classified() - routes_of(app))
    assert not stale, f"The authorisation table names routes that do not exist: {stale}"


def check_security_headers(response) -> list[str]:
    """What is wrong with the headers every answer must carry (strict CSP and friends)."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp \
            or "script-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP {csp!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"):
        problems.append("Referrer-Policy")
    return problems


def run_case(app, world, case, role):
    client = client_as(app, world, role)
    if case.session:
        with client.session_transaction() as session:
            session.update(case.session(world))
    path = url_for_case(app, case, world)
    if case.method == "GET":
        return client.get(path)
    data = {"csrf_token": csrf_token_for(client), **(case.data(world) if case.data else {})}
    return client.open(path, method=case.method, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, world, role):
    failures = []
    # Reading first: a few POST cases (a new invitation link, deleting a question) change the world.
    for case in sorted(CASES, key=lambda c: c.method != "GET"):
        response = run_case(app, world, case, role)
        if response.status_code != case.expect[role]:
            failures.append(f"{case.name}: {response.status_code}, expected {case.expect[role]}")
        failures.extend(f"{case.name}: {problem}" for problem in check_security_headers(response))
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def test_the_table_names_a_status_for_every_role():
    for case in CASES:
        assert set(case.expect) == set(ROLES), case.name
