"""Storage: the assistant's tables, Rasa's event log, migrations and exports."""
