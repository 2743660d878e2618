"""Placeholder: the Telegram channel on python-telegram-bot is being written."""

from rasa.core.channels.rest import RestInput


class TelegramInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "telegram"
