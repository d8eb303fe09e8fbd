"""The Rasa action server's actions: thin translations between Rasa and `bot/`."""
