"""Composition root: the `wastecoach` command wires services, consumers and the edge together."""
