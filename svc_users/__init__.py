"""svc_users: profiles, scan history and stats."""
