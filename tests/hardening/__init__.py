"""Hardening (issue 8): hostile input, faults and load, with nothing already in the store lost."""
