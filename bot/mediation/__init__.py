"""The mediation's domain: what a turn means, whose it is, what is shared, what fits.

Plain, typed Python with no Rasa imports. `actions/` translates between Rasa and
these modules; see docs/architecture.md for the layers.
"""
