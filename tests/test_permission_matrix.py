"""Every page × (anonymous, every role in its own area, every role in another area).

The rows live in tests/permission_matrix.py (see its docstring for the format); this module holds
only the logic. It fails for a named URL without a row, a row without a URL, and any answer that
differs from what the row says, and checks that a denied request changed nothing.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from padu.accounts.capabilities import Role, capabilities_for
from tests import permission_matrix as pm
from tests.factories import make_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PLACEHOLDER_VIEW = "_todo"


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(qualified name or None, route, view callback) of every pattern in the URLconf."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern, route, ns)
        else:
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield name, route, pattern.callback


def exclusion(route: str) -> str | None:
    return next((why for prefix, why in pm.EXCLUDED.items() if route.startswith(prefix)), None)


def covered_patterns() -> dict[str, tuple[str, object]]:
    return {
        name: (route, callback)
        for name, route, callback in url_patterns()
        if name and not exclusion(route)
    }


ROW_NAMES = {row.name for row in pm.ROWS}


# --- the table covers the URLconf -----------------------------------------------------------


def test_every_named_url_has_a_matrix_row():
    missing = sorted(set(covered_patterns()) - ROW_NAMES)
    assert not missing, "\n".join(
        f"view {name} has no permission-matrix row (add one to tests/permission_matrix.py)"
        for name in missing
    )


def test_every_url_outside_the_exclusions_has_a_name():
    unnamed = [route for name, route, _cb in url_patterns() if not name and not exclusion(route)]
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"


def test_exclusions_are_real_prefixes():
    routes = [route for _name, route, _cb in url_patterns()]
    for prefix in pm.EXCLUDED:
        assert any(route.startswith(prefix) for route in routes), f"{prefix} matches no URL"


def test_every_row_names_an_existing_url():
    stale = sorted(ROW_NAMES - set(covered_patterns()))
    assert not stale, f"matrix rows for URLs that do not exist (or are excluded): {stale}"


def test_rows_are_unique():
    ids = [row.id for row in pm.ROWS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def _view_function(callback):
    return getattr(callback, "view_class", None) or callback


@pytest.mark.parametrize(
    "row", [r for r in pm.ROWS if r.name in covered_patterns()], ids=lambda r: r.id
)
def test_row_agrees_with_the_view(row):
    """The row's placeholder flag and capability match the view's own declaration."""
    _route, callback = covered_patterns()[row.name]
    is_placeholder = getattr(callback, "__name__", "") == PLACEHOLDER_VIEW
    if row.placeholder:
        assert is_placeholder, f"{row.name}: the view has landed; set placeholder=False on its rows"
    else:
        assert not is_placeholder, (
            f"{row.name} is still a placeholder view; mark its rows placeholder=True"
        )
    declared = getattr(callback, "required_capabilities", None)
    if declared is not None:
        assert set(declared) == set(row.capabilities), (
            f"{row.name}: the view requires {sorted(declared)}, "
            f"the row says {sorted(row.capabilities)}"
        )


# --- every row × every actor --------------------------------------------------------------

ACTORS = (
    [(None, "anonymous")]
    + [(role, "own") for role in Role]
    + [(role, "other") for role in Role if role in pm.OTHER_SCOPE]
)
CASES = [
    pytest.param(row, role, where, id=f"{row.id}-{role or 'anonymous'}-{where}")
    for row in pm.ROWS
    for role, where in ACTORS
]


def expected(row: pm.Row, role, where: str) -> tuple[int | str, bool]:
    """(the answer, whether it is a denial that must leave no trace)."""
    if role is None:
        return row.anonymous, row.anonymous == pm.LOGIN
    if row.placeholder:
        return 404, True
    if not set(row.capabilities) <= capabilities_for(role):
        return 403, True
    if where == "other":
        if row.other_region is not None:
            return row.other_region, True
        if row.target is not None and row.target.scoped:
            return 404, True
    return row.ok, row.ok in (403, 404)


@pytest.mark.parametrize(("row", "role", "where"), CASES)
def test_permission_matrix(client, db, row, role, where):
    actor = None
    if role is not None:
        scope = pm.OWN_SCOPE[role] if where == "own" else pm.OTHER_SCOPE[role]
        actor = make_user(role, scope=scope)
        client.force_login(actor, backend=MODEL_BACKEND)
    world = pm.World(actor)
    url = reverse(row.name, kwargs=row.target.own(world) if row.target else None)
    data = row.data(world) if row.data else {}
    answer, denial = expected(row, role, where)

    before = pm.state() if denial else None
    response = client.get(url, data) if row.method == "GET" else client.post(url, data)

    if answer == pm.LOGIN:
        assert response.status_code == 302, f"{row.id}: anonymous got {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == answer, (
            f"{row.id} as {role or 'anonymous'} ({where}): "
            f"expected {answer}, got {response.status_code}"
        )
        if answer == row.ok and not denial and row.ok_location is not None:
            assert response["Location"] == row.ok_location(world)
    if denial:
        after = pm.state()
        changed = [key for key in before if before[key] != after[key]]
        assert not changed, f"{row.id}: a denied request changed {changed}"


MISSING_CASES = [
    pytest.param(row, id=row.id)
    for row in pm.ROWS
    if row.target is not None and not row.placeholder and row.ok not in (403, 404)
]


@pytest.mark.parametrize("row", MISSING_CASES)
def test_a_missing_object_is_404_like_another_regions(client, db, row):
    """An allowed user asking for an object that does not exist gets the same 404 as a user of
    another region asking for one that does."""
    role = next(r for r in pm.OTHER_SCOPE if set(row.capabilities) <= capabilities_for(r))
    actor = make_user(role, scope=pm.OWN_SCOPE[role])
    client.force_login(actor, backend=MODEL_BACKEND)
    world = pm.World(actor)
    kwargs = row.target.own(world)
    missing = {k: 999_999_999 if isinstance(v, int) else "99.99.99.9999" for k, v in kwargs.items()}
    url = reverse(row.name, kwargs=missing)
    data = row.data(world) if row.data else {}
    before = pm.state()
    response = client.get(url, data) if row.method == "GET" else client.post(url, data)
    assert response.status_code == 404
    assert pm.state() == before
