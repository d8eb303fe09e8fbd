"""Concordia's domain: mediation analysis, knowledge, storage, CLI and web app.

Nothing in this package imports Rasa, so it can be read and tested on its own.
"""
