from datetime import UTC, datetime, timedelta

import pytest
from jose import jwt

from mesh.errors import Unauthenticated
from svc_auth import domain

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_issued_access_token_verifies_with_the_public_jwk_only():
    key = domain.new_signing_key(NOW)
    tokens = domain.issue(domain.Account("u1", "dev", "x", "민수"), key, NOW)
    assert jwt.get_unverified_header(tokens.access_token)["kid"] == key.kid
    claims = jwt.decode(
        tokens.access_token,
        key.public_jwk,
        algorithms=["ES256"],
        audience=domain.AUDIENCE,
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["sub"] == "u1" and claims["exp"] - claims["iat"] == 900
    assert "d" not in key.public_jwk  # no private part in the JWKS
    assert tokens.refresh_hash == domain.hash_refresh(tokens.refresh_token) != tokens.refresh_token


def test_active_key_is_the_newest_unretired():
    old = domain.new_signing_key(NOW - timedelta(days=2))
    new = domain.new_signing_key(NOW)
    assert domain.active_key([old, new]) == new
    retired = domain.SigningKey(new.kid, new.private_pem, new.public_jwk, new.created_at, retired_at=NOW)
    assert domain.active_key([old, retired]) == old
    assert [k["kid"] for k in domain.jwks([old, new])["keys"]] == [new.kid, old.kid]


def test_refresh_checks():
    fresh = domain.RefreshRecord("h", "fam", "u", NOW + timedelta(days=1), None, None)
    assert domain.check_refresh(fresh, NOW) is fresh
    with pytest.raises(domain.RefreshReuse) as reuse:
        domain.check_refresh(domain.RefreshRecord("h", "fam", "u", NOW + timedelta(days=1), NOW, None), NOW)
    assert reuse.value.family_id == "fam"
    for bad in (
        None,
        domain.RefreshRecord("h", "f", "u", NOW - timedelta(seconds=1), None, None),
        domain.RefreshRecord("h", "f", "u", NOW + timedelta(days=1), None, NOW),
    ):
        with pytest.raises(Unauthenticated):
            domain.check_refresh(bad, NOW)
