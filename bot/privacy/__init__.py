"""Privacy features (GUIDE §6): consent and the consent age, access, erasure, retention.

They use the store. The masking they rely on is a pure helper in :mod:`bot.text`, so
the store can mask before it writes without importing these features.
"""
