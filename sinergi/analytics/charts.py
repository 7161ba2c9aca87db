"""Charts drawn on the server as SVG: bars with their numbers written on them, and a hatched fill for the
highlighted bar, so a chart is read without colour (and printed in black and white in the PDF report)."""

from __future__ import annotations

from html import escape

WIDTH = 640
BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 220


def bar_chart(title: str, items: list[tuple[str, int]], *, highlight: str | None = None) -> str:
    """A horizontal bar chart of (label, value) items."""
    height = 40 + len(items) * (BAR_HEIGHT + GAP)
    biggest = max((value for _label, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="13">',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="3"/></pattern></defs>',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    for position, (label, value) in enumerate(items):
        y = 32 + position * (BAR_HEIGHT + GAP)
        width = max(1, round(room * value / biggest)) if value else 0
        fill = "url(#hatch)" if label == highlight else "#4a6a8a"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label[:32])}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{fill}" stroke="#222"/>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 16}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(title: str, labels: list[str], values: list[int], *, unit: str = "") -> str:
    """A vertical column chart (a monthly trend), each column labelled with its value."""
    height = 240
    top, bottom, left = 30, 40, 10
    count = max(len(values), 1)
    step = (WIDTH - left * 2) / count
    biggest = max(values, default=0) or 1
    room = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - left}" y2="{height - bottom}" stroke="#222"/>',
    ]
    for position, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + position * step + step * 0.15
        bar = round(room * value / biggest) if value else 0
        y = height - bottom - bar
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{step * 0.7:.1f}" height="{bar}" fill="#4a6a8a" stroke="#222"/>'
        )
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{y - 4}" text-anchor="middle">{value}{unit}</text>')
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 14}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
