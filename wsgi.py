"""The production entry point: ``gunicorn wsgi:app``.

It always builds the production configuration, whatever ``APP_CONFIG`` says, so a server never serves the development
one (debug on, the public development key, kept pages off) by accident, and it refuses to start without the production
keys (``config.ProductionConfig.check``). Development runs ``make run``; tests and tools call ``create_app`` directly.
"""

from app import create_app

app = create_app({"APP_CONFIG": "production"})
