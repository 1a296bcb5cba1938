"""Organisations: registration, verification, members, invitations, co-hosting and statements."""
