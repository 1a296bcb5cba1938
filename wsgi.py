"""WSGI entry point: ``gunicorn wsgi:app`` (set FLASK_CONFIG=production and SECRET_KEY)."""
from app import create_app

app = create_app()
