"""Werkmaatje: a Dutch virtual job coach.

Feature logic lives here and does not import Rasa, so it stays fast to test. Imports
point one way, from the entry points through the interfaces (Rasa's actions, channels,
NLU components; the web app and dashboard) to the features, the store, pure helpers and
configuration: docs/architecture.md, "Layers", and import-linter in `make lint`.
"""
