"""Transport and browser protections: response headers on every page (error pages included) and proxy handling."""

from __future__ import annotations

import functools

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)


def register(app: Flask) -> None:
    """Add the headers, and believe X-Forwarded-* from exactly the configured number of proxies.

    Flask itself checks the Host header against ``TRUSTED_HOSTS``.
    """
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # Rate limits and the audit trail need the real client address; a header from further out is the
        # client's own claim and is ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=0
        )
    app.after_request(add_security_headers)


@functools.cache
def fixed_headers(hsts: str | None) -> tuple[tuple[str, str], ...]:
    """The headers every response carries unless its view set them itself."""
    headers = (
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        # Flask-WTF checks the referrer over HTTPS, so the policy must still send it to our own origin.
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    )
    return (*headers, ("Strict-Transport-Security", hsts)) if hsts else headers


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers iterate as (name, value) pairs
    for name, value in fixed_headers(current_app.config["HSTS"]):
        if name.lower() not in present:
            headers.add(name, value)
    if request.endpoint != "static" and "cache-control" not in present:
        # Answers are health data: never keep them in a shared browser's or proxy's cache. A view that serves
        # public data (the FHIR questionnaire) may say otherwise itself.
        headers["Cache-Control"] = "no-store"
    return response
