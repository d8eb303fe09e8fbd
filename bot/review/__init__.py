"""Reviewing sessions: reviewer accounts, filtered listings, exports and annotations."""
