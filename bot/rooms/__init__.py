"""Mediation rooms: each party on its own device, in private caucus, releasing what it
chooses to a joint view where one negotiating text is agreed clause by clause
(docs/architecture.md §8). Plain typed Python, no Rasa and no database: the rules of
consent, access and consensus that the store and the web app apply."""
