"""Werkmaatje: a Dutch virtual job coach.

Feature logic lives here and does not import Rasa, so it stays fast to test.
Arrows point one way: actions -> bot services -> bot.store.
"""
