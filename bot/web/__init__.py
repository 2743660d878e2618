"""The web app: the chat widget page now, the coach dashboard next (one Starlette app)."""
