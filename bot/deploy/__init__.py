"""Deployment profiles: ``make prod`` (bot/deploy/profile.py) and its nginx template."""
