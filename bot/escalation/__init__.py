"""Escalation to human coaches: the crisis safety net now, the inbox logic next."""
