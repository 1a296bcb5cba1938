"""Contributions: what people answer to a consultation, and the form they answer on."""
