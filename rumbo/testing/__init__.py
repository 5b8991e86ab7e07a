"""Test support: factories for synthetic records (never mixed with the shipped data)."""
