"""Moderation: flags from readers, the moderation queue and its decisions, the netiquette,
and the append-only audit log of moderation, role, export and admin actions."""
