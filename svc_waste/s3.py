"""Scan images in S3 (production): presigned PUTs for direct uploads, short-lived and per owner."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from mesh.errors import InvalidInput, NotFound
from svc_waste.storage import check_key

UPLOAD_TTL = timedelta(minutes=10)


class S3ImageStore:
    def __init__(self, bucket: str, region: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        # boto3 is blocking: every call runs in a worker thread.
        self.client = client or boto3.client(
            "s3",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}),
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        try:
            reply = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound("the image was not uploaded (or has expired)") from exc
            raise
        return await asyncio.to_thread(reply["Body"].read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=check_key(key))

    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]:
        if size <= 0:
            raise InvalidInput("size must be positive")
        params = {"Bucket": self.bucket, "Key": check_key(key), "ContentType": content_type}
        url = await asyncio.to_thread(
            self.client.generate_presigned_url,
            "put_object",
            Params=params,
            ExpiresIn=int(UPLOAD_TTL.total_seconds()),
        )
        # The app must send the same Content-Type it declared: it is part of the signature.
        return url, datetime.now(UTC) + UPLOAD_TTL, {"Content-Type": content_type}
