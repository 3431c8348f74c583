"""Effort and cost: time logged on tickets, hourly cost per support group, the month per service."""
