"""svc_auth: sign-in, JWT issuance with rotating keys, refresh-token families, JWKS."""
