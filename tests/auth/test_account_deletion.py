"""Deleting an account leaves no row and no image of that person in any service, and kills its tokens."""

from urllib.parse import parse_qs, urlsplit

from jose import jwt

from svc_waste.settings import images_dir
from tests.auth.conftest import APP_REDIRECT
from tests.auth.signin import APP_VERIFIER, USERS, bearer, consent, sign_in
from tests.waste.test_lifecycle_servicer import jpeg


async def _rows_mentioning(env, needle: str) -> list[str]:
    tables = await env.all_rows()
    return [f"{table}:{row!r}" for table, rows in tables.items() for row in rows if needle in repr(row)]


async def test_deletion_leaves_nothing_of_the_user(auth_env, fakes):
    env = auth_env
    tokens = (await sign_in(env, fakes, "google")).json()
    user_id = jwt.get_unverified_claims(tokens["access_token"])["sub"]
    headers = bearer(tokens)
    # A second provider linked by verified e-mail, and a one-time code not yet redeemed.
    assert (
        jwt.get_unverified_claims((await sign_in(env, fakes, "kakao")).json()["access_token"])["sub"]
        == user_id
    )
    query = await consent(env, fakes, "google", USERS["google"], redirect_uri=APP_REDIRECT)
    parked = await env.http.get("/api/v1/auth/google/callback", params=query)
    one_time = parse_qs(urlsplit(parked.headers["location"]).query)["code"][0]
    scan_ids = []
    for _ in range(2):
        reply = await env.http.post(
            "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
        )
        scan_ids.append(reply.json()["scan_id"])
    await env.finish_scan(headers, scan_ids[0])
    # Someone else, who must survive the deletion.
    other = await env.login("neighbour")
    other_scan = (
        await env.http.post("/api/v1/scans", headers=other, files={"image": ("p.jpg", jpeg(), "image/jpeg")})
    ).json()["scan_id"]
    assert await _rows_mentioning(env, user_id)  # the probe does see the user before

    gone = await env.http.delete("/api/v1/users/me", headers=headers, params={"confirm": "DELETE"})
    assert gone.status_code == 204

    assert await _rows_mentioning(env, user_id) == []
    leftovers = [
        p for p in images_dir(env.settings.mesh).rglob("*") if user_id in str(p) or p.stem in scan_ids
    ]
    assert leftovers == []
    assert [p.stem for p in images_dir(env.settings.mesh).rglob("*") if p.is_file()] == [other_scan]
    refresh = await env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    redeemed = await env.http.post(
        "/api/v1/auth/code/redeem", json={"code": one_time, "code_verifier": APP_VERIFIER}
    )
    assert redeemed.status_code == 401
    # Signing in again starts from nothing: a new user without history.
    fresh = (await sign_in(env, fakes, "google")).json()
    assert jwt.get_unverified_claims(fresh["access_token"])["sub"] != user_id
    history = await env.http.get("/api/v1/users/me/scans", headers=bearer(fresh))
    assert history.json()["items"] == []
    assert (await env.http.get(f"/api/v1/scans/{other_scan}", headers=other)).status_code == 200
