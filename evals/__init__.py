"""Evaluation sets that measure correctness the way bench/ measures speed."""
