"""Accessibility checks for a page in a real browser: axe-core, target sizes, reflow at large text, visible focus.

``audit(page)`` is called after every navigation in the journeys. axe-core comes with axe-playwright-python and is
injected through the DevTools protocol, which the page's Content Security Policy does not govern: the app itself
still loads nothing but its own files.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import BrowserContext, Page, Route

# What a patient page must pass: WCAG 2.0-2.2 A and AA, plus axe's best practices (landmarks, heading order …).
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"]}
MIN_TARGET = 44  # CSS pixels, on every patient page (WCAG 2.5.5's size; 2.5.8 AA asks only 24)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return its violations (every impact)."""
    page.wait_for_load_state("load")  # styles applied: contrast and sizes are judged as a person sees them
    if _javascript_enabled(page):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SCRIPT)
        return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)  # type: ignore[no-any-return]
    return _violations_without_javascript(page)


def audit(page: Page) -> None:
    """Fail on any serious or critical axe violation, naming the rule, the impact and the elements."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe found serious or critical problems on {page.url}:\n" + describe(failing)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = "; ".join(line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip())
            lines.append(f"    {target}: {summary[:300]}")
    return "\n".join(lines)


# Everything a person can tap or click, as the elements that receive the tap: a radio or checkbox is tapped
# through its label (the inputs themselves are small or visually hidden inside it).
TARGETS_SCRIPT = """
minimum => {
  const found = [];
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' &&
      !el.closest('[hidden], [aria-hidden="true"]');
  };
  // A link inside running text is exempt (WCAG 2.5.8 "inline"); a link alone in its block is a target like a button.
  const inline = el => {
    if (el.tagName !== 'A') return false;
    const block = el.parentElement.closest('p, li, td, dd, figcaption, label');
    return block !== null && block.textContent.trim() !== el.textContent.trim();
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"';
  const selector = 'a[href], button, select, textarea, input:not([type="hidden"]), [role="checkbox"], [tabindex="0"]';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.pain-map')) continue;  // the map's regions repeat the checkbox list, which meets the size
    if (el.classList.contains('skip-link') || el.closest('.hp-field')) continue;  // checked when focused / never shown
    let target = el;
    if (el.matches('input[type="radio"], input[type="checkbox"]')) {
      target = el.labels && el.labels[0];
      if (!target) { found.push(name(el) + ' has no label to tap'); continue; }
    }
    if (!visible(target) || inline(target)) continue;
    const box = target.getBoundingClientRect();
    if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
      found.push(name(target) + ' is ' + Math.round(box.width) + '×' + Math.round(box.height));
    }
  }
  return found;
}
"""


def small_targets(page: Page, minimum: int = MIN_TARGET) -> list[str]:
    """The interactive elements smaller than ``minimum`` CSS pixels either way (links in running text excepted)."""
    page.wait_for_load_state("load")
    return page.evaluate(TARGETS_SCRIPT, minimum)  # type: ignore[no-any-return]


def check_targets(page: Page) -> None:
    small = small_targets(page)
    assert not small, f"targets under {MIN_TARGET}×{MIN_TARGET} px on {page.url}:\n" + "\n".join(small)


CLIPPED_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
  }
  const selector = 'a[href], button, select, textarea, input:not([type="hidden"]), label, h1, h2, h3, legend, p, li, ' +
    'th, td';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[hidden], .visually-hidden, .hp-field, .skip-link, .pain-map, svg')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // A text field scrolls its own long value (the private link); anything else must show all it holds.
    const overflowing = !el.matches('input, textarea') && el.scrollWidth > el.clientWidth + 1 &&
      getComputedStyle(el).overflowX !== 'visible';
    if (box.left < -1 || box.right > width + 1 || overflowing) {
      problems.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
        (el.textContent || el.value || '').trim().slice(0, 30) + '" spans ' + Math.round(box.left) + '..' +
        Math.round(box.right) + (overflowing ? ' and clips its content' : ''));
    }
  }
  return problems;
}
"""


def clipped(page: Page) -> list[str]:
    """Sideways scrolling, and elements that stick out of the viewport or clip their own content."""
    page.wait_for_load_state("load")
    return page.evaluate(CLIPPED_SCRIPT)  # type: ignore[no-any-return]


FOCUS_SCRIPT = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', visible: false};
  const shows = node => {
    if (!node) return false;
    const style = getComputedStyle(node);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
      (style.boxShadow !== 'none' && style.boxShadow !== '') ||
      Array.from(node.querySelectorAll('.pain-shape')).some(s => parseFloat(getComputedStyle(s).strokeWidth) >= 5);
  };
  const label = el.labels && el.labels[0];
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), value: el.value,
    type: el.getAttribute('type'), role: el.getAttribute('role'), checked: !!el.checked,
    code: el.getAttribute('data-code'), text: (el.textContent || '').trim().slice(0, 60),
    visible: shows(el) || shows(label),
  };
}
"""


def focused(page: Page) -> dict[str, Any]:
    """The focused element, and whether it (or its label) shows a focus indicator."""
    return page.evaluate(FOCUS_SCRIPT)  # type: ignore[no-any-return]


def _javascript_enabled(page: Page) -> bool:
    # Playwright keeps no public flag; page_factory gives a context without JavaScript an ``auditor`` context.
    return getattr(page.context, "auditor", None) is None


def _violations_without_javascript(page: Page) -> list[dict[str, Any]]:
    """Audit a page that was loaded with JavaScript off, as that person got it.

    With scripts disabled Chromium runs no script at all, axe's included. The document as loaded (no script touched
    it) is served again, with the page's own styles, to a page that may run axe but gets an empty app.js.
    """
    auditor: BrowserContext = page.context.auditor  # type: ignore[attr-defined]
    replay = auditor.pages[0] if auditor.pages else _replay_page(auditor)
    auditor.document = (page.url, page.content())  # type: ignore[attr-defined]
    replay.goto(page.url)
    replay.evaluate(AXE_SCRIPT)
    return replay.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)  # type: ignore[no-any-return]


def _replay_page(auditor: BrowserContext) -> Page:
    def serve(route: Route) -> None:
        url, html = auditor.document  # type: ignore[attr-defined]
        if route.request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif route.request.resource_type == "script":
            route.fulfill(status=200, content_type="text/javascript", body="")
        else:
            route.continue_()

    auditor.route("**/*", serve)
    return auditor.new_page()
