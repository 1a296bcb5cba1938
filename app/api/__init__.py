"""The read-only open data API (JSON) and its OpenAPI 3.1 description."""
