"""Repositories on both backends. Ids are unique per test, so tests never share state."""

import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import sqlalchemy

import svc_auth.component
import svc_users.component
import svc_waste.component
from svc_auth import domain as auth_domain
from svc_auth import flow
from svc_auth.repo import AuthRepo
from svc_users import domain as users_domain
from svc_users.repo import UsersRepo
from svc_waste import domain as waste_domain
from svc_waste.repo import WasteRepo

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def uid() -> str:
    return uuid.uuid4().hex


async def test_users_repo(sessions_for):
    repo = UsersRepo(await sessions_for(svc_users.component.MIGRATIONS, "alembic_version_users"))
    user = uid()
    profile = await repo.ensure_profile(user, "하늘", NOW)
    assert profile.created_at == NOW and profile.created_at.tzinfo is not None
    assert (await repo.update_profile(user, {"language": "en"})).language == "en"
    for i in range(3):
        entry = users_domain.HistoryEntry(
            f"{user}-{i}", user, "glass", "bottle", 0.8, NOW + timedelta(minutes=i)
        )
        assert await repo.record_scan(entry)
        assert not await repo.record_scan(entry)
    page = await repo.list_history(user, None, 2)
    assert [e.scan_id for e in page] == [f"{user}-2", f"{user}-1"]
    rest = await repo.list_history(user, (page[-1].scanned_at, page[-1].scan_id), 10)
    assert [e.scan_id for e in rest] == [f"{user}-0"]
    times, counts = await repo.scan_times_and_counts(user)
    assert len(times) == 3 and counts == {"glass": 3}
    await repo.delete_user(user, NOW)
    assert await repo.get_profile(user) is None
    assert await repo.list_history(user, None, 10) == []


async def test_users_repo_record_scan_follows_a_changed_result(sessions_for):
    repo = UsersRepo(await sessions_for(svc_users.component.MIGRATIONS, "alembic_version_users"))
    user, stranger = uid(), uid()
    first = users_domain.HistoryEntry(f"{user}-a", user, "plastic", "Plastic", 0.55, NOW)
    assert await repo.record_scan(first)
    assert await repo.record_scan(users_domain.HistoryEntry(f"{user}-b", user, "glass", "bottle", 0.9, NOW))
    # The owner answered the scan's question: the same scan now says clear PET.
    answered = replace(first, category_code="clear_pet", item="Clear PET bottle", confidence=0.6)
    assert not await repo.record_scan(answered)
    [entry] = [e for e in await repo.list_history(user, None, 10) if e.scan_id == first.scan_id]
    assert (entry.category_code, entry.item, entry.confidence, entry.scanned_at) == (
        "clear_pet",
        "Clear PET bottle",
        0.6,
        NOW,
    )
    assert (await repo.scan_times_and_counts(user))[1] == {"clear_pet": 1, "glass": 1}
    # Another user's record under the same scan id changes nothing of the owner's.
    assert not await repo.record_scan(replace(answered, user_id=stranger, category_code="battery"))
    assert (await repo.scan_times_and_counts(user))[1] == {"clear_pet": 1, "glass": 1}
    assert await repo.list_history(stranger, None, 10) == []


async def test_waste_repo(sessions_for):
    repo = WasteRepo(await sessions_for(svc_waste.component.MIGRATIONS, "alembic_version_waste"))
    user = uid()
    scan = waste_domain.Scan(
        id=uid(),
        user_id=user,
        status=waste_domain.QUEUED,
        created_at=NOW,
        updated_at=NOW,
        image_key=f"scans/{user}/a.jpg",
        content_type="image/jpeg",
        lat=37.5,
        lon=127.0,
        idempotency_key="k1",
    )
    stored, created = await repo.create(scan)
    assert created and stored == scan
    dup, created = await repo.create(replace(scan, id=uid()))
    assert not created and dup.id == scan.id
    # The key is the user's own: another user's scan under the same key is a scan of its own.
    theirs, created = await repo.create(replace(scan, id=uid(), user_id=uid()))
    assert created and theirs.id != scan.id
    no_key = replace(scan, id=uid(), idempotency_key=None, created_at=NOW + timedelta(seconds=1))
    assert (await repo.create(no_key))[1]
    assert (await repo.create(replace(no_key, id=uid(), created_at=NOW + timedelta(seconds=2))))[1]
    started, changed = await repo.transition(scan.id, lambda s: waste_domain.start(s, NOW, 1))
    assert changed and started.status == "processing" and started.version == 2
    _, changed = await repo.transition(scan.id, lambda s: waste_domain.complete(s, '{"a": 1}', "m1", NOW))
    assert changed and (await repo.get(scan.id)).result_json == '{"a": 1}'
    _, changed = await repo.transition(scan.id, lambda s: waste_domain.complete(s, "{}", "m1", NOW))
    assert not changed
    # The outbox sends unfinished scans only: a finished one never gets its job again.
    pending = [s.id for s in await repo.unpublished(NOW + timedelta(hours=1))]
    assert scan.id not in pending and no_key.id in pending
    await repo.mark_published(no_key.id, NOW)
    assert no_key.id not in [s.id for s in await repo.unpublished(NOW + timedelta(hours=1))]
    page = await repo.list_for_user(user, None, 2)
    assert len(page) == 2 and page[0].created_at >= page[1].created_at
    after = await repo.list_for_user(user, (page[-1].created_at, page[-1].id), 10)
    assert len(after) == 1
    deleted = await repo.delete_user(user)
    assert len(deleted) == 3 and scan.id in {s for s, _ in deleted} and await repo.get(scan.id) is None


async def test_auth_repo(sessions_for):
    repo = AuthRepo(await sessions_for(svc_auth.component.MIGRATIONS, "alembic_version_auth"))
    key = auth_domain.new_signing_key(NOW)
    await repo.add_key(key)
    assert key.kid in {k.kid for k in await repo.keys()}
    account = auth_domain.Account(uid(), "dev", uid(), "nick")
    assert await repo.create_account(account, NOW) == account
    clash = replace(account, user_id=uid())
    assert (await repo.create_account(clash, NOW)).user_id == account.user_id  # unique (provider, id)
    tokens = auth_domain.issue(account, key, NOW)
    await repo.store_refresh(tokens, NOW)
    assert await repo.mark_used(tokens.refresh_hash, NOW)
    assert not await repo.mark_used(tokens.refresh_hash, NOW)  # only one concurrent refresh wins
    await repo.revoke_family(tokens.family_id, NOW)
    assert (await repo.get_refresh(tokens.refresh_hash)).revoked_at is not None
    await repo.delete_user(account.user_id, NOW)
    assert await repo.find_account("dev", account.provider_user_id) is None


async def test_auth_repo_codes_and_accounts(sessions_for):
    repo = AuthRepo(await sessions_for(svc_auth.component.MIGRATIONS, "alembic_version_auth"))
    user_id = uid()
    code, record = flow.new_code(
        user_id, NOW, timedelta(minutes=1), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    await repo.save_code(record, NOW)
    assert await repo.take_code(auth_domain.hash_secret(code)) == record
    assert await repo.take_code(auth_domain.hash_secret(code)) is None
    code, record = flow.new_code(user_id, NOW, timedelta(minutes=1))
    await repo.save_code(record, NOW)
    await repo.delete_user(user_id, NOW)
    assert await repo.take_code(auth_domain.hash_secret(code)) is None

    email = f"{uid()}@Example.kr"
    verified = auth_domain.Account(uid(), "google", uid(), "g", email, True)
    unverified = auth_domain.Account(uid(), "naver", uid(), "n", email.lower(), False)
    await repo.create_account(unverified, NOW)
    assert await repo.find_verified_email(email) is None
    await repo.create_account(verified, NOW + timedelta(seconds=1))
    assert (await repo.find_verified_email(email.upper())).user_id == verified.user_id

    key = auth_domain.new_signing_key(NOW)
    await repo.add_key(key)
    await repo.retire_key(key.kid, NOW)
    assert next(k for k in await repo.keys() if k.kid == key.kid).retired_at == NOW
    await repo.delete_keys([key.kid])
    assert key.kid not in {k.kid for k in await repo.keys()}


async def test_each_backend_is_the_database_it_names(request, db_url, sessions_for, tmp_path):
    """What a repository writes lands in the named backend: PostgreSQL is never quietly SQLite."""
    repo = UsersRepo(await sessions_for(svc_users.component.MIGRATIONS, "alembic_version_users"))
    user = uid()
    await repo.ensure_profile(user, "probe", NOW)
    sql = "SELECT count(*) FROM user_profiles WHERE user_id = "
    if request.node.callspec.params["db_url"] == "postgres":
        connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            assert await connection.fetchval(sql + "$1", user) == 1
        finally:
            await connection.close()
    else:
        with sqlite3.connect(tmp_path / "repo.sqlite3") as db:
            assert db.execute(sql + "?", (user,)).fetchone() == (1,)


async def test_waste_repo_expiry_and_reclassification_queries(sessions_for):
    repo = WasteRepo(await sessions_for(svc_waste.component.MIGRATIONS, "alembic_version_waste"))
    user = uid()
    old = NOW - timedelta(days=40)
    ids = []
    for model in ("v1", "v2"):
        s = waste_domain.Scan(
            id=uid(),
            user_id=user,
            status=waste_domain.QUEUED,
            created_at=old,
            updated_at=old,
            image_key=f"scans/{user}/{model}.jpg",
            content_type="image/jpeg",
        )
        await repo.create(s)
        await repo.transition(s.id, lambda x: waste_domain.start(x, NOW, 1))
        await repo.transition(s.id, lambda x, m=model: waste_domain.complete(x, "{}", m, NOW))
        ids.append(s.id)
    assert ids[0] in await repo.reclassifiable("v2", 1000)
    assert ids[1] not in await repo.reclassifiable("v2", 1000)
    expirable = {s.id for s in await repo.finished_with_images(NOW - timedelta(days=30), 1000)}
    assert set(ids) <= expirable
    assert not {s.id for s in await repo.finished_with_images(old - timedelta(days=1), 1000)} & set(ids)


async def test_upgrading_auth_keeps_the_table_the_previous_release_still_uses(sessions_for):
    """A rollout runs the migration while pods of the previous release still serve sign-ins from
    auth_oauth_states: the table goes only in a later release (two phases)."""
    sessions = await sessions_for(svc_auth.component.MIGRATIONS, "alembic_version_auth")
    async with sessions() as session:
        tables = await session.run_sync(lambda s: sqlalchemy.inspect(s.connection()).get_table_names())
    assert {"auth_oauth_states", "auth_one_time_codes"} <= set(tables)
