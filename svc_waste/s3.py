"""Scan images in S3 (production): presigned PUTs for direct uploads, short-lived, per owner and
bound to the declared size; reads are capped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from mesh.errors import InvalidInput, NotFound
from svc_waste.domain import MAX_IMAGE_BYTES
from svc_waste.storage import check_key, too_large

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

    async def get(self, key: str, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
        key = check_key(key)

        def read() -> bytes:
            # The size first: an object put some other way than our presigned PUT is not read at all.
            if self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"] > max_bytes:
                raise too_large(max_bytes)
            # Ranged and capped as well: the object may have been replaced since the HEAD.
            body = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes}")["Body"]
            with body:
                data = body.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise too_large(max_bytes)
            return data

        try:
            return await asyncio.to_thread(read)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404"):
                raise NotFound("the image was not uploaded (or has expired)") from exc
            if code == "InvalidRange":
                return b""  # an empty object has no byte 0
            raise

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=check_key(key))

    async def list(
        self, prefix: str, start_after: str = "", limit: int | None = None
    ) -> list[tuple[str, datetime]]:
        def pages() -> list[tuple[str, datetime]]:
            paginator = self.client.get_paginator("list_objects_v2")
            config = {"MaxItems": limit} if limit else {}
            return [
                (item["Key"], item["LastModified"])
                for page in paginator.paginate(
                    Bucket=self.bucket, Prefix=prefix, StartAfter=start_after, PaginationConfig=config
                )
                for item in page.get("Contents", [])
            ]

        return await asyncio.to_thread(pages)

    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]:
        if size <= 0:
            raise InvalidInput("size must be positive")
        # With SigV4 both headers are signed: S3 refuses a body of any other length than declared.
        params = {
            "Bucket": self.bucket,
            "Key": check_key(key),
            "ContentType": content_type,
            "ContentLength": size,
        }
        url = await asyncio.to_thread(
            self.client.generate_presigned_url,
            "put_object",
            Params=params,
            ExpiresIn=int(UPLOAD_TTL.total_seconds()),
        )
        # The app must send the same Content-Type and length it declared: they are part of the signature.
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        return url, datetime.now(UTC) + UPLOAD_TTL, headers
