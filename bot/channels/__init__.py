"""Rasa input channels of our own: Telegram, the web chat widget and server pushes.

Each channel registers its output with :mod:`bot.channels.push`, so that the
server can reach a user on their own channel at any time.
"""

from bot.runtime import install

# The Rasa server imports our channels at start-up (credentials.yml): the moment to
# make a missing action server answer kindly instead of not at all (bot/runtime/).
install()
