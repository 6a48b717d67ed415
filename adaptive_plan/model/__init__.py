"""Plain value types shared by every room. Imports nothing but the stdlib."""
