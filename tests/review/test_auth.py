"""Accounts, passwords, sessions and log-in limits (library level)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scanner.errors import NotFoundError
from scanner.review.auth import (
    Limits,
    add_user,
    authenticate,
    create_session,
    csrf_ok,
    disable_user,
    end_session,
    hash_password,
    list_users,
    session_for,
    verify_password,
)
from scanner.review.errors import AuthError, RateLimitedError, ReviewInputError
from scanner.store import Store

PW = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "a.db") as s:
        add_user(s, "ana", "analyst", PW)
        yield s


def test_password_hash_is_salted_slow_and_verifies() -> None:
    one, two = hash_password(PW), hash_password(PW)
    assert one != two and one.startswith("scrypt$1024$8$1$")
    assert verify_password(PW, one) and not verify_password(PW + "x", one)
    assert not verify_password(PW, "md5$abc") and not verify_password(PW, "garbage")


def test_password_is_never_stored_in_clear(store: Store) -> None:
    row = store.conn.execute("SELECT password_hash FROM users WHERE name = 'ana'").fetchone()[0]
    assert PW not in row and "horse" not in row


@pytest.mark.parametrize("name, role, password", [("a", "analyst", PW), ("ana lyst", "analyst", PW),
                                                   ("bob", "root", PW), ("bob", "analyst", "short")])
def test_add_user_validates(store: Store, name: str, role: str, password: str) -> None:
    with pytest.raises(ReviewInputError):
        add_user(store, name, role, password)


def test_duplicate_user_refused_names_fold_case(store: Store) -> None:
    with pytest.raises(ReviewInputError):
        add_user(store, "ANA", "admin", PW)
    assert [u.name for u in list_users(store)] == ["ana"]


def test_authenticate_and_wrong_password(store: Store) -> None:
    assert authenticate(store, "Ana", PW, "1.2.3.4").name == "ana"
    with pytest.raises(AuthError):
        authenticate(store, "ana", "wrong password", "1.2.3.4")
    with pytest.raises(AuthError):
        authenticate(store, "nobody", PW, "1.2.3.4")


def test_disabled_user_cannot_log_in_and_loses_sessions(store: Store) -> None:
    user = authenticate(store, "ana", PW, "ip")
    token, _ = create_session(store, user, "ip")
    assert session_for(store, token) is not None
    disable_user(store, "ana")
    assert session_for(store, token) is None
    with pytest.raises(AuthError):
        authenticate(store, "ana", PW, "ip")
    with pytest.raises(NotFoundError):
        disable_user(store, "nobody")


def test_rate_limit_per_user_refuses_even_the_right_password(store: Store) -> None:
    limits = Limits(per_user=3, per_ip=100)
    for _ in range(3):
        with pytest.raises(AuthError):
            authenticate(store, "ana", "nope nope nope", f"10.0.0.{_}", limits=limits)
    with pytest.raises(RateLimitedError):
        authenticate(store, "ana", PW, "10.0.0.9", limits=limits)


def test_rate_limit_per_ip_across_user_names(store: Store) -> None:
    limits = Limits(per_user=100, per_ip=4)
    for n in range(4):
        with pytest.raises(AuthError):
            authenticate(store, f"guess{n}", "x" * 12, "6.6.6.6", limits=limits)
    with pytest.raises(RateLimitedError):
        authenticate(store, "ana", PW, "6.6.6.6", limits=limits)
    assert authenticate(store, "ana", PW, "7.7.7.7", limits=limits).name == "ana"


def test_failures_before_a_success_do_not_count(store: Store) -> None:
    limits = Limits(per_user=2, per_ip=100)
    with pytest.raises(AuthError):
        authenticate(store, "ana", "bad password!", "ip", limits=limits)
    authenticate(store, "ana", PW, "ip", limits=limits)
    with pytest.raises(AuthError):
        authenticate(store, "ana", "bad password!", "ip", limits=limits)
    assert authenticate(store, "ana", PW, "ip", limits=limits).name == "ana"


def test_session_token_is_stored_hashed_and_expires(store: Store) -> None:
    user = authenticate(store, "ana", PW, "ip")
    token, session = create_session(store, user, "ip")
    assert store.conn.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", (token,)).fetchone()[0] == 0
    assert session_for(store, token).csrf_token == session.csrf_token
    assert session_for(store, token, limits=Limits(idle=timedelta(seconds=-1))) is None
    assert session_for(store, "forged") is None and session_for(store, None) is None
    end_session(store, token)
    assert session_for(store, token) is None


def test_csrf_compare() -> None:
    assert csrf_ok("abc", "abc")
    assert not csrf_ok("abc", "abd") and not csrf_ok("abc", None) and not csrf_ok("", "") and not csrf_ok(None, "x")
