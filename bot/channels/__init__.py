"""Rasa input channels of our own: REST, Telegram, the web chat widget and server pushes.

Each channel registers its output with :mod:`bot.channels.push`, so that the
server can reach a user on their own channel at any time. Importing this package
changes nothing in Rasa: the server's patches are installed by the launcher
(:func:`bot.runtime.install`, called in ``python -m bot.launch rasa``).
"""
