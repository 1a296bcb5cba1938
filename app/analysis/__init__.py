"""Summaries for the working group: participation, themes across languages, campaigns, exports."""
