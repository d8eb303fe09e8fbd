"""Rasa input channels of this project (loaded by Rasa from credentials.yml)."""
