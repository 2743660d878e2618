"""Privacy by design: what we store about people, and what we mask first (GUIDE §6)."""
