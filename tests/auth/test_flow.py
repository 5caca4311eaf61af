"""Pure sign-in rules: provider user-info mapping, redirects, state, codes and account linking."""

from datetime import UTC, datetime, timedelta

import pytest

from mesh.errors import InvalidInput, Unauthenticated
from svc_auth import domain, flow
from svc_auth.providers import SPECS, ProviderRefused

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def test_kakao_profile():
    info = {
        "id": 42,
        "kakao_account": {"email": "a@b.kr", "is_email_verified": True, "profile": {"nickname": "민지"}},
    }
    assert SPECS["kakao"].to_profile(info) == domain.ProviderProfile("kakao", "42", "a@b.kr", True, "민지")
    info["kakao_account"]["is_email_valid"] = False  # the address changed hands since it was verified
    assert not SPECS["kakao"].to_profile(info).email_verified
    assert not SPECS["kakao"].to_profile({"id": 1, "kakao_account": {"email": "a@b.kr"}}).email_verified
    assert SPECS["kakao"].to_profile({"id": 1}).email == ""


def test_naver_profile_is_never_verified_and_errors_are_refusals():
    ok = {
        "resultcode": "00",
        "message": "success",
        "response": {"id": "n1", "email": "a@b.kr", "nickname": "N"},
    }
    assert SPECS["naver"].to_profile(ok) == domain.ProviderProfile("naver", "n1", "a@b.kr", False, "N")
    with pytest.raises(ProviderRefused):
        SPECS["naver"].to_profile({"resultcode": "024", "message": "Authentication failed"})


def test_google_profile():
    info = {"sub": "1", "email": "a@b.kr", "email_verified": True, "name": "A"}
    assert SPECS["google"].to_profile(info).email_verified
    assert SPECS["google"].to_profile({**info, "email_verified": "true"}).email_verified
    assert not SPECS["google"].to_profile({**info, "email_verified": False}).email_verified
    for bad in ({}, {"sub": ""}, {"sub": True}, {"sub": None}):
        with pytest.raises(ProviderRefused):
            SPECS["google"].to_profile(bad)


def test_provider_specs():
    assert {n: s.pkce for n, s in SPECS.items()} == {"kakao": True, "naver": False, "google": True}
    moved = SPECS["kakao"].at("http://127.0.0.1:9/kakao")
    assert moved.token_url == "http://127.0.0.1:9/kakao/oauth/token"
    assert moved.userinfo_url == "http://127.0.0.1:9/kakao/v2/user/me"
    assert SPECS["google"].at(None) is SPECS["google"]
    # Token introspection moves with the rest; Naver has none.
    assert moved.tokeninfo_url == "http://127.0.0.1:9/kakao/v1/user/access_token_info"
    assert SPECS["google"].at("http://h/google").tokeninfo_url == "http://h/google/tokeninfo"
    assert SPECS["naver"].at("http://h/naver").tokeninfo_url == ""


def test_token_info_names_the_app_and_the_user():
    read_google = SPECS["google"].read_tokeninfo
    read_kakao = SPECS["kakao"].read_tokeninfo
    assert read_google is not None and read_kakao is not None and SPECS["naver"].read_tokeninfo is None
    google = {"aud": "web.apps", "azp": "android.apps", "sub": "1098", "expires_in": "3599"}
    info = read_google(google)
    assert info.audiences == {"web.apps", "android.apps"} and info.user_id == "1098"
    kakao = read_kakao({"id": 4242001, "expires_in": 7199, "app_id": 1001234})
    assert kakao.audiences == {"1001234"} and kakao.user_id == "4242001"
    for bad in (
        {**google, "aud": None, "azp": ""},
        {**google, "sub": ""},
        {**google, "expires_in": "0"},
    ):
        with pytest.raises(ProviderRefused):
            read_google(bad)
    for bad in (
        {"id": 1, "expires_in": 10},
        {"id": 1, "expires_in": 10, "app_id": "1001234"},
        {"id": 1, "expires_in": 10, "app_id": True},
        {"expires_in": 10, "app_id": 1},
        {"id": 1, "expires_in": -5, "app_id": 1},
    ):
        with pytest.raises(ProviderRefused):
            read_kakao(bad)


def test_sdk_audience_settings(monkeypatch):
    from mesh.settings import read_env
    from svc_auth.settings import AuthSettings

    plain = AuthSettings(google_client_id="web.apps")
    assert plain.sdk_audience("google") == {"web.apps"}
    assert plain.sdk_audience("kakao") == frozenset() and plain.sdk_audience("naver") == frozenset()
    assert not plain.accepts_unchecked_sdk_tokens("naver")
    monkeypatch.setenv("WASTECOACH_KAKAO_APP_ID", "")
    monkeypatch.setenv("WASTECOACH_GOOGLE_SDK_CLIENT_IDS", '["android.apps", "ios.apps"]')
    monkeypatch.setenv("WASTECOACH_NAVER_ACCEPT_SDK_TOKENS", "true")
    monkeypatch.setenv("WASTECOACH_GOOGLE_CLIENT_ID", "web.apps")
    env = read_env(AuthSettings)
    assert env.kakao_app_id is None and env.sdk_audience("kakao") == frozenset()
    assert env.sdk_audience("google") == {"web.apps", "android.apps", "ios.apps"}
    assert env.accepts_unchecked_sdk_tokens("naver") and not env.accepts_unchecked_sdk_tokens("kakao")
    monkeypatch.setenv("WASTECOACH_KAKAO_APP_ID", "1001234")
    assert read_env(AuthSettings).sdk_audience("kakao") == {"1001234"}


def test_app_redirects_match_exactly():
    allow = ["wastecoach://signin", "https://app.example/cb"]
    assert flow.check_app_redirect("", allow) == ""
    assert flow.check_app_redirect("wastecoach://signin", allow) == "wastecoach://signin"
    for bad in (
        "wastecoach://signin/",
        "WASTECOACH://signin",
        "https://app.example/cb?x=1",
        "https://evil/cb",
    ):
        with pytest.raises(InvalidInput):
            flow.check_app_redirect(bad, allow)


def test_state_is_random_hashed_bound_and_expiring():
    state, pending = flow.start("kakao", "https://cb", "", True, NOW, timedelta(minutes=10))
    other, _ = flow.start("kakao", "https://cb", "", True, NOW, timedelta(minutes=10))
    assert state != other and pending.state_hash == domain.hash_secret(state) != state
    assert 43 <= len(pending.code_verifier) <= 128
    assert flow.start("naver", "https://cb", "", False, NOW, timedelta(minutes=1))[1].code_verifier == ""
    assert flow.check_pending(pending, "kakao", NOW) == pending
    for candidate, provider, at in (
        (None, "kakao", NOW),
        (pending, "google", NOW),
        (pending, "kakao", NOW + timedelta(minutes=10)),
    ):
        with pytest.raises(Unauthenticated):
            flow.check_pending(candidate, provider, at)


def test_one_time_code_and_app_url():
    code, record = flow.new_code("u1", NOW, timedelta(seconds=60))
    assert record.code_hash == domain.hash_secret(code) and record.expires_at == NOW + timedelta(seconds=60)
    assert flow.app_redirect_url("wastecoach://signin", "c") == "wastecoach://signin?code=c"
    assert flow.app_redirect_url("https://a/cb?x=1", "c d") == "https://a/cb?x=1&code=c+d"


def test_choose_account():
    verified = domain.ProviderProfile("google", "g1", "a@b.kr", True, "  Min   ji ")
    unverified = domain.ProviderProfile("naver", "n1", "a@b.kr", False, "")
    known = domain.Account("u-known", "google", "g1", "old")
    same = domain.Account("u-email", "kakao", "k1", "k", "a@b.kr", True)
    assert flow.choose_account(verified, known, same, "u-new") == known
    linked = flow.choose_account(verified, None, same, "u-new")
    assert linked.user_id == "u-email" and linked.provider == "google" and linked.nickname == "Min ji"
    fresh = flow.choose_account(unverified, None, same, "u-new")
    assert fresh.user_id == "u-new" and fresh.nickname == "user"


def test_secrets_stay_out_of_settings_repr():
    from svc_auth.settings import AuthSettings

    settings = AuthSettings(
        kakao_client_id="id", kakao_client_secret="very-secret", google_client_secret="g-s"
    )
    assert "very-secret" not in repr(settings) and "g-s" not in str(settings.model_dump())
    assert settings.kakao_client_secret.get_secret_value() == "very-secret"


# RFC 7636, appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_apps_pkce_binds_a_deep_link_sign_in():
    assert flow.check_app_challenge("wastecoach://signin", RFC_CHALLENGE, "S256") == RFC_CHALLENGE
    assert flow.check_app_challenge("", "", "") == ""
    for redirect, challenge, method in (
        ("wastecoach://signin", "", ""),  # a deep link without PKCE
        ("wastecoach://signin", RFC_CHALLENGE, "plain"),
        ("wastecoach://signin", RFC_CHALLENGE[:-1], "S256"),
        ("wastecoach://signin", RFC_CHALLENGE[:-1] + "=", "S256"),
        ("", RFC_CHALLENGE, "S256"),  # no code to bind without a deep link
    ):
        with pytest.raises(InvalidInput):
            flow.check_app_challenge(redirect, challenge, method)
    assert flow.verifier_matches(RFC_CHALLENGE, RFC_VERIFIER)
    for verifier in ("", RFC_VERIFIER[:-1] + "l", RFC_VERIFIER[:42], RFC_VERIFIER + " "):
        assert not flow.verifier_matches(RFC_CHALLENGE, verifier)
    assert not flow.verifier_matches("", RFC_VERIFIER)  # a code stored without a challenge
    _, pending = flow.start(
        "kakao", "https://cb", "wastecoach://signin", True, NOW, timedelta(minutes=1), RFC_CHALLENGE
    )
    _, code = flow.new_code("u1", NOW, timedelta(seconds=60), pending.app_code_challenge)
    assert code.code_challenge == RFC_CHALLENGE
