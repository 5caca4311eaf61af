"""svc_coach: the Korean disposal knowledge base, item search and coaching text."""
