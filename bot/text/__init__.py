"""Pure text helpers: normalising typed text and masking personal identifiers.

A leaf package: it imports only the base (``bot.config``, ``bot.content``), never the
store, the features or Rasa, so every layer can use it (import-linter checks this).
"""
