"""Placeholder: the web chat channel (socket.io) is being written."""

from rasa.core.channels.socketio import SocketIOInput


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "webchat"
