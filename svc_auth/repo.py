"""SQL for svc_auth."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from mesh.tombstone import subject_digest
from svc_auth.domain import REFRESH_TTL, Account, IssuedTokens, RefreshRecord, SigningKey
from svc_auth.flow import OneTimeCode
from svc_auth.models import AccountRow, DeletedSubjectRow, OneTimeCodeRow, RefreshTokenRow, SigningKeyRow


def _key(row: SigningKeyRow) -> SigningKey:
    return SigningKey(row.kid, row.private_pem, json.loads(row.public_jwk), row.created_at, row.retired_at)


def _account(row: AccountRow) -> Account:
    return Account(
        row.user_id, row.provider, row.provider_user_id, row.nickname, row.email, row.email_verified
    )


class AuthRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def keys(self) -> list[SigningKey]:
        async with self.sessions() as session:
            return [_key(row) for row in (await session.scalars(select(SigningKeyRow))).all()]

    async def add_key(self, key: SigningKey) -> None:
        async with self.sessions.begin() as session:
            session.add(
                SigningKeyRow(
                    kid=key.kid,
                    private_pem=key.private_pem,
                    public_jwk=json.dumps(key.public_jwk),
                    created_at=key.created_at,
                )
            )

    async def retire_key(self, kid: str, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(SigningKeyRow)
                .where(SigningKeyRow.kid == kid, SigningKeyRow.retired_at.is_(None))
                .values(retired_at=now)
            )

    async def delete_keys(self, kids: list[str]) -> None:
        if kids:
            async with self.sessions.begin() as session:
                await session.execute(delete(SigningKeyRow).where(SigningKeyRow.kid.in_(kids)))

    async def find_account(self, provider: str, provider_user_id: str) -> Account | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(AccountRow).where(
                    AccountRow.provider == provider, AccountRow.provider_user_id == provider_user_id
                )
            )
            return _account(row) if row else None

    async def find_verified_email(self, email: str) -> Account | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(AccountRow)
                .where(func.lower(AccountRow.email) == email.lower(), AccountRow.email_verified.is_(True))
                .order_by(AccountRow.created_at)
                .limit(1)
            )
            return _account(row) if row else None

    async def account_of(self, user_id: str) -> Account | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(AccountRow)
                .where(AccountRow.user_id == user_id)
                .order_by(AccountRow.created_at)
                .limit(1)
            )
            return _account(row) if row else None

    async def create_account(self, account: Account, now: datetime) -> Account:
        async with self.sessions() as session:
            session.add(
                AccountRow(
                    id=uuid.uuid4().hex,
                    user_id=account.user_id,
                    provider=account.provider,
                    provider_user_id=account.provider_user_id,
                    email=account.email,
                    email_verified=account.email_verified,
                    nickname=account.nickname,
                    created_at=now,
                )
            )
            try:
                await session.commit()
                return account
            except IntegrityError:
                # A concurrent first sign-in created it: use theirs.
                await session.rollback()
        found = await self.find_account(account.provider, account.provider_user_id)
        assert found is not None
        return found

    async def store_refresh(self, tokens: IssuedTokens, now: datetime) -> None:
        async with self.sessions.begin() as session:
            session.add(
                RefreshTokenRow(
                    token_hash=tokens.refresh_hash,
                    family_id=tokens.family_id,
                    user_id=tokens.user_id,
                    created_at=now,
                    expires_at=now + REFRESH_TTL,
                )
            )

    async def get_refresh(self, token_hash: str) -> RefreshRecord | None:
        async with self.sessions() as session:
            row = await session.get(RefreshTokenRow, token_hash)
            if row is None:
                return None
            return RefreshRecord(
                row.token_hash, row.family_id, row.user_id, row.expires_at, row.used_at, row.revoked_at
            )

    async def mark_used(self, token_hash: str, now: datetime) -> bool:
        """Atomically claims the token; False when a concurrent refresh won the race."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(RefreshTokenRow)
                .where(RefreshTokenRow.token_hash == token_hash, RefreshTokenRow.used_at.is_(None))
                .values(used_at=now)
            )
            return result.rowcount == 1

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(RefreshTokenRow)
                .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    async def save_code(self, code: OneTimeCode, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(OneTimeCodeRow).where(OneTimeCodeRow.expires_at <= now))
            session.add(
                OneTimeCodeRow(
                    code_hash=code.code_hash,
                    user_id=code.user_id,
                    created_at=now,
                    expires_at=code.expires_at,
                    code_challenge=code.code_challenge,
                )
            )

    async def take_code(self, code_hash: str) -> OneTimeCode | None:
        """Deleting is redeeming: the same code cannot be redeemed twice, even concurrently."""
        async with self.sessions.begin() as session:
            row = await session.get(OneTimeCodeRow, code_hash)
            if row is None:
                return None
            code = OneTimeCode(row.code_hash, row.user_id, row.expires_at, row.code_challenge)
            result = await session.execute(
                delete(OneTimeCodeRow).where(OneTimeCodeRow.code_hash == code_hash)
            )
            return code if result.rowcount == 1 else None

    async def is_deleted(self, user_id: str) -> bool:
        async with self.sessions() as session:
            return await session.get(DeletedSubjectRow, subject_digest(user_id)) is not None

    async def delete_user(self, user_id: str, now: datetime) -> None:
        """Tombstones the account, then deletes its accounts, refresh tokens (every family) and
        one-time codes; repeating it is harmless."""
        # Committed on its own before anything is deleted: a sign-in that checks after writing
        # either sees it, or wrote early enough for the deletes below to see its rows.
        async with self.sessions() as session:
            session.add(DeletedSubjectRow(subject_digest=subject_digest(user_id), deleted_at=now))
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()  # tombstoned by an earlier attempt
        async with self.sessions.begin() as session:
            await session.execute(delete(OneTimeCodeRow).where(OneTimeCodeRow.user_id == user_id))
            await session.execute(delete(RefreshTokenRow).where(RefreshTokenRow.user_id == user_id))
            await session.execute(delete(AccountRow).where(AccountRow.user_id == user_id))
