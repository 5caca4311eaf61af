"""Deleted accounts are remembered by a digest of their id, never by the id itself.

Each service that keeps a person's data also keeps a tombstone of a deleted account and refuses
to create anything for it again: an access token outlives its account by up to 15 minutes, and
requests and jobs may be in flight when it goes. The digest recognises the subject without a row
that names it.
"""

from __future__ import annotations

import hashlib

DELETED_DETAIL = "this account was deleted"


def subject_digest(user_id: str) -> str:
    return hashlib.sha256(f"wastecoach-deleted:{user_id}".encode()).hexdigest()
