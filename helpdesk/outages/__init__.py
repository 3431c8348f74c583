"""Outage notices (driftinformation), major incidents, subscriptions and the status page."""
