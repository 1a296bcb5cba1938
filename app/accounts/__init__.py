"""Accounts: people who sign in, their roles, registration, log-in and password reset."""
