"""Shared plumbing: error pages, security headers, template helpers, time and URL helpers."""
