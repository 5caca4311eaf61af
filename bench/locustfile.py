"""A load scenario that behaves like the app: sign in, scan a photo, follow it, then browse.

Run it through `python -m bench.load` (bounded users and time, loopback only).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from locust import HttpUser, between, task

PHOTOS = sorted(
    (Path(os.environ.get("WASTECOACH_BENCH_PHOTOS", "../shared/datasets/trashnet"))).rglob("*.jpg")
)
# Around Seoul's centre, where the drop-off data is dense.
SEOUL = (37.5665, 126.9780)
QUERIES = ["피자박스", "영수증", "컵라면 용기", "부탄가스", "멸균팩", "깨진 유리", "pet bottle", "건전지"]


class AppUser(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        reply = self.client.post(
            "/api/v1/auth/dev/login", json={"nickname": f"load-{random.randrange(10**9)}"}
        )
        self.headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}

    @task(3)
    def scan_and_poll(self) -> None:
        photo = random.choice(PHOTOS)
        lat, lon = SEOUL[0] + random.uniform(-0.05, 0.05), SEOUL[1] + random.uniform(-0.05, 0.05)
        created = self.client.post(
            "/api/v1/scans",
            headers=self.headers,
            data={"lat": f"{lat:.5f}", "lon": f"{lon:.5f}"},
            files={"image": (photo.name, photo.read_bytes(), "image/jpeg")},
            name="POST /api/v1/scans",
        )
        if created.status_code != 202:
            return
        url = created.json()["status_url"]
        etag = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            headers = dict(self.headers, **({"If-None-Match": etag} if etag else {}))
            reply = self.client.get(url, headers=headers, name="GET /api/v1/scans/{id}")
            if reply.status_code == 200:
                etag = reply.headers.get("etag")
                if reply.json()["status"] in ("done", "failed"):
                    return
            time.sleep(float(reply.headers.get("retry-after", "0.5")) / 4)

    @task(1)
    def history(self) -> None:
        self.client.get(
            "/api/v1/users/me/scans?limit=20", headers=self.headers, name="GET /api/v1/users/me/scans"
        )

    @task(1)
    def nearby(self) -> None:
        lat, lon = SEOUL[0] + random.uniform(-0.1, 0.1), SEOUL[1] + random.uniform(-0.1, 0.1)
        self.client.get(
            f"/api/v1/locations/nearby?lat={lat:.5f}&lon={lon:.5f}&category=textiles&limit=10",
            headers=self.headers,
            name="GET /api/v1/locations/nearby",
        )

    @task(2)
    def search(self) -> None:
        self.client.get(
            f"/api/v1/items?q={random.choice(QUERIES)}&limit=5",
            headers=self.headers,
            name="GET /api/v1/items",
        )
