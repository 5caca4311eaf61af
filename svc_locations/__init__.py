"""svc_locations: drop-off points, nearest-k search, open-data import, Kakao Local client."""
