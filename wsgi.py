"""WSGI entry point: ``gunicorn wsgi:app`` (set FLASK_CONFIG=production and SECRET_KEY).

With ``PRELOAD_LANGUAGE_DETECTOR=1`` and ``gunicorn --preload``, the language detector's models
(about 550 MB) are loaded once before the workers fork, so they share the memory and the first
contribution does not wait for them.
"""
import os

from app import create_app

app = create_app()

if os.environ.get("PRELOAD_LANGUAGE_DETECTOR") == "1":
    from app.i18n.detection import warm_up

    warm_up()
