"""CSRF: every rule that accepts POST, PUT, PATCH or DELETE refuses a request without a valid token
(400, or 404 where the address hides itself from this role), never succeeds, and writes nothing."""
from __future__ import annotations

import pytest

from tests.security.route_table import METHODS, cases_for, routes_of, url_for_case
from tests.security.world import changed_tables, client_as, snapshot

STATE_CHANGING = tuple(m for m in METHODS if m != "GET")
# The strongest role of each kind: a request must fail even for those who may do the thing.
ROLES = ("anonymous", "resident", "moderator", "admin")


def _first_case_per_route():
    seen, cases = set(), []
    for method in STATE_CHANGING:
        for case in cases_for(method):
            if (case.endpoint, method) not in seen:
                seen.add((case.endpoint, method))
                cases.append(case)
    return cases


def test_every_state_changing_route_is_covered(app):
    covered = {(case.endpoint, case.method) for case in _first_case_per_route()}
    changing = {(endpoint, method) for endpoint, method in routes_of(app) if method in STATE_CHANGING}
    assert changing and changing <= covered, sorted(changing - covered)


@pytest.mark.parametrize("role", ROLES)
def test_no_state_changing_request_passes_without_a_valid_token(app, world, role):
    failures = []
    before = snapshot()
    for case in _first_case_per_route():
        path = url_for_case(app, case, world)
        # Where the role is shown a 404 even with a token, the address hides itself: 404 is right.
        allowed = {400, 404} if case.expect[role] == 404 else {400}
        for token in (None, "forged-token", ""):
            client = client_as(app, world, role)
            if case.session:
                with client.session_transaction() as session:
                    session.update(case.session(world))
            data = {} if token is None else {"csrf_token": token}
            response = client.open(path, method=case.method, data=data)
            if response.status_code not in allowed:
                failures.append(f"{case.name} token={token!r}: {response.status_code}")
        changed = changed_tables(before, snapshot())
        if changed:
            failures.append(f"{case.name}: wrote to {changed}")
            before = snapshot()
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def test_a_token_from_another_session_is_refused(app, world):
    """A token is bound to its session: one copied from someone else's page does not work."""
    from tests.security.world import csrf_token_for

    victim, attacker = client_as(app, world, "admin"), client_as(app, world, "anonymous")
    assert csrf_token_for(victim) != (stolen := csrf_token_for(attacker))
    response = victim.post("/en/staff/consultations/new", data={"csrf_token": stolen, "slug": "x"})
    assert response.status_code == 400
