"""Running the product: its processes, the trained Rasa model, the checks before start.

Nothing here decides anything about a mediation (that is `bot.mediation`); these
modules start and supervise the Rasa, action and web servers (`runner`, `cluster`),
check the services they need (`preflight`), find or train the model that matches the
current data and code (`rasa_model`), and score the NLU gate (`nlu_report`).
"""
