"""Markup rendered once per language and kept: the parts of the patient pages that do not change between requests.

A patient page translates and escapes dozens of fixed strings; rendering them on every request was most of a page's
cost. ``{% call fragment("name", ...) %}…{% endcall %}`` renders its body once per language and key and keeps it. A
body may show per-request values through holes: ``{% call(url) fragment("resume-link", url=resume_url) %}`` renders
the body once with a placeholder for ``url`` and fills in the escaped value on each request. Holes must be printed
as they are (``{{ url }}``), not passed through filters.

The key must name everything else the body depends on (a section's key, the questionnaire version). Markup is kept
per application while templates are not reloaded from disk (production, tests). With ``TEMPLATES_AUTO_RELOAD``
(development) every fragment is rendered in full with its values, as if it were not there: an edited template shows
at once, and tests compare the two ways of rendering a page.

``render_page`` keeps a whole page the same way: the view names the page's per-request values (URLs with a draft's
token, markup built per request) and they become holes; so do the template functions in ``PER_REQUEST`` (the CSRF
token, the path the language switch returns to). A request for a kept page only fills in those holes.

The clinic's settings (``app/clinic.py``) show in every page's header and footer, so the settings' version is part
of every kept page's key, and of the key of any fragment that shows a setting: a change shows on the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app import clinic
from app.web.i18n import language

T = TypeVar("T")

SLOT = "\x00"  # cannot occur in translated text, and Jinja's escaping leaves it alone
FIELD = "\x1f"
HOLE = "\x1e"


def hole(name: str) -> Markup:
    """Where a per-request value goes."""
    return Markup("\x00\x1e{}\x00").format(name)  # SLOT, HOLE, name, SLOT


def choice(code: str, yes: str, no: str) -> Markup:
    """Where ``yes`` goes when option ``code`` is chosen, else ``no``."""
    return Markup("\x00{}\x1f{}\x1f{}\x00").format(code, yes, no)  # SLOT, then the three joined by FIELD


class Hole(NamedTuple):
    name: str


class Choice(NamedTuple):
    code: str
    yes: Markup
    no: Markup


@dataclass(frozen=True)
class Skeleton:
    """Markup split at its placeholders: literal markup, holes and choices, in order."""

    parts: tuple[Markup | Hole | Choice, ...]

    @cached_property
    def holes(self) -> frozenset[str]:
        """The holes' names, found once: a kept page asks on every request which per-request values it needs."""
        return frozenset(part.name for part in self.parts if isinstance(part, Hole))

    @classmethod
    def parse(cls, html: Markup) -> Skeleton:
        """Split markup rendered with ``hole`` and ``choice`` placeholders (splitting Markup keeps it Markup)."""
        parts: list[Markup | Hole | Choice] = []
        for index, part in enumerate(html.split(SLOT)):
            if index % 2 == 0:
                parts.append(part)
            elif part.startswith(HOLE):
                parts.append(Hole(str(part[1:])))
            else:
                code, yes, no = part.split(FIELD)
                parts.append(Choice(str(code), yes, no))
        return cls(tuple(parts))

    def fill(self, values: Mapping[str, Any], chosen: Collection[str] = ()) -> Markup:
        """The markup with each hole's value escaped and each choice shown as chosen or not."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Markup):
                out.append(part)
            elif isinstance(part, Hole):
                out.append(escape(values[part.name]))
            else:
                out.append(part.yes if part.code in chosen else part.no)
        return Markup("".join(out))  # noqa: S704 - every part is Markup or escaped; Markup.join would escape again


def store() -> dict[tuple[Hashable, ...], Any] | None:
    """The application's kept markup, or None when it keeps none (see the module docstring)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return None if app.jinja_env.auto_reload else app.extensions.setdefault("fragments", {})


def cached(kept: dict[tuple[Hashable, ...], Any], key: tuple[Hashable, ...], render: Callable[[], T]) -> T:
    """``render()`` for this request's language and ``key``, kept for the application's lifetime."""
    full_key = (language(), *key)
    try:
        return kept[full_key]  # type: ignore[no-any-return]
    except KeyError:
        value = kept[full_key] = render()
        return value


def fragment(*key: Hashable, caller: Callable[..., Markup], **values: Any) -> Markup:
    """The template global behind ``{% call fragment(...) %}`` (a call block's body renders to Markup)."""
    kept = store()
    if kept is None:
        return caller(**values)
    skeleton = cached(kept, ("fragment", *key), lambda: Skeleton.parse(caller(**{n: hole(n) for n in values})))
    return skeleton.fill(values)


def current_path() -> str:
    """Where the language switch returns to: the page shown, with its query on a GET (a POST's page is its path)."""
    return request.full_path if request.method == "GET" else request.path


# Template functions whose value changes per request: a kept page holds a hole wherever a template called one.
PER_REQUEST: dict[str, Callable[[], str]] = {"csrf_token": generate_csrf, "current_path": current_path}


def render_page(template: str, key: tuple[Hashable, ...] | None, holes: Mapping[str, Any], **context: Any) -> str:
    """``render_template(template, **context, **holes)``, kept per language and ``key`` with ``holes`` left open.

    ``key`` must name everything in ``context`` the page's markup depends on; ``None`` draws the page in full (a page
    showing problems, say). A page with flashed messages waiting is drawn in full too: the messages are per request.
    """
    version = clinic.current().version  # first: new settings start a new store
    kept = store()
    if key is None or kept is None or "_flashes" in session:
        return render_template(template, **context, **holes)
    skeleton = cached(kept, ("page", template, version, *key), lambda: _page_skeleton(template, holes, context))
    values = {**holes, **{name: PER_REQUEST[name]() for name in skeleton.holes & PER_REQUEST.keys()}}
    return skeleton.fill(values)


def _page_skeleton(template: str, holes: Mapping[str, Any], context: Mapping[str, Any]) -> Skeleton:
    placeholders = {name: hole(name) for name in holes}
    functions = {name: (lambda name=name: hole(name)) for name in PER_REQUEST}  # shadow the template globals
    page = render_template(template, **context, **placeholders, **functions)  # autoescaped: values are escaped
    return Skeleton.parse(Markup(page))  # noqa: S704 - a rendered template is markup
