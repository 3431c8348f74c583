"""Availability per system: agreed levels and the measured figure from outage notices."""
