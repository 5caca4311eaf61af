"""Shared runtime for every component: settings, logging, telemetry, gRPC and database plumbing.

Nothing here knows about waste, coaching or users; services build on it.
"""
