"""Benchmarks of the pages that must stay fast at a million tickets (`make bench`)."""
