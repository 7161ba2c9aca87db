"""What the case-page browser tests share."""

from __future__ import annotations


def open_section(page, name: str):
    """Opens a folded section of the case page (the summary is always open) and waits for its content, which
    the page reads when the section is opened."""
    if page.locator(f"#section-{name}[open]").count() == 0:
        page.click(f"[data-testid=section-{name}-open]")
    page.wait_for_selector(f"#section-{name}[open]:not(:has([data-testid=section-lazy]))")
