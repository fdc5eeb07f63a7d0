"""Watching a page for what hostile content might make it do: run a script (the dialogs and
`print`, `open`), break the Content-Security-Policy, load from another origin, or navigate.
Used by the attack corpus tests on `/` and on the offline file."""

from __future__ import annotations

from dataclasses import dataclass, field

# Before any of the page's own scripts: calls a payload would make are recorded, not run.
HOOKS = """
window.__hits = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  window[name] = (...args) => window.__hits.push(name);
}
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
# Every volume shown, then everything in the volumes' content (not the page's own controls
# beside it, such as Print this volume) hovered, focused and activated, as a payload might
# hang a handler on it. Not links: following one is the reader's choice, not the payload's.
PROVOKE = """() => {
  document.querySelectorAll('section.volume').forEach(s => s.style.contentVisibility = 'visible');
  document.querySelectorAll('section.volume > :not(.vol-divider), '
                            + 'section.volume > :not(.vol-divider) *').forEach(el => {
    for (const type of ['mouseover', 'focus', 'pointerenter', 'animationstart', 'toggle'])
      el.dispatchEvent(new Event(type, {bubbles: true}));
    if (!el.closest('a[href]')) el.dispatchEvent(new Event('click', {bubbles: true}));
  });
}"""


@dataclass
class Watch:
    """What a context's pages did that they must not: each list should stay empty."""

    outside: list[str] = field(default_factory=list)  # requests to another origin
    dialogs: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)  # documents the page showed
    errors: list[str] = field(default_factory=list)  # uncaught script errors

    def attach(self, context: object, allowed: str) -> None:
        """Record the context's requests outside `allowed` (a URL prefix) and abort them."""
        context.add_init_script(HOOKS)
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(allowed)
                      else (self.outside.append(route.request.url), route.abort()))

    def watch(self, page: object) -> None:
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Without the fragment: the page's own section links move within the document.
        page.on("framenavigated", lambda frame: frame == page.main_frame
                and self.navigations.append(frame.url.split("#")[0]))

    def provoke(self, page: object) -> None:
        page.mouse.move(640, 450)
        page.evaluate(PROVOKE)
        page.wait_for_timeout(300)

    def in_page(self, page: object) -> dict:
        """What the hooks caught inside the page."""
        return {"hits": page.evaluate("() => window.__hits"),
                "violations": page.evaluate("() => window.__violations")}
