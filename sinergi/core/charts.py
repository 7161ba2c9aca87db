"""Charts drawn on the server as inline SVG, read without colour: every bar carries its value written beside it
or on it, the parts of a stacked bar differ by pattern (solid, hatched, dotted) as well as by shade, and a legend
shows each pattern with its name. No script, no external file: a page embeds the SVG as it is and prints it.

Pure Python (no Django): the caller passes labels and the value texts already formatted in the reader's locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 540
BAR = 24
GAP = 8
LABEL_WIDTH = 190
VALUE_ROOM = 80

# Fill of each part kind: a pattern defined once per chart, so shades are never the only difference.
_PATTERNS = {
    "solid": '<pattern id="{id}-solid" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<rect width="8" height="8" fill="#2f5d7c"/></pattern>',
    "hatch": '<pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#9a3412" stroke-width="3"/></pattern>',
    "dots": '<pattern id="{id}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.6" fill="#444"/></pattern>',
}
_TEXT_ON = {"solid": "#fff", "hatch": "#000", "dots": "#000"}


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (for the length) and the value as the reader reads it ("11,8 jam")."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Part:
    """One part of a stacked bar; `kind` is "solid", "hatch" or "dots"."""

    value: float
    text: str
    kind: str


def _open(chart_id: str, title: str, height: int, kinds: list[str]) -> list[str]:
    defs = "".join(_PATTERNS[kind].format(id=chart_id) for kind in kinds)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" '
        f'role="img" aria-labelledby="{chart_id}-title" font-family="sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f"<defs>{defs}</defs>" if defs else "",
    ]


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> str:
    """Horizontal bars, one per row, each with its value written after it."""
    height = 10 + len(bars) * (BAR + GAP)
    biggest = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    parts = _open(chart_id, title, height, ["solid"])
    for index, bar in enumerate(bars):
        y = 5 + index * (BAR + GAP)
        length = max(2, round(room * bar.value / biggest)) if bar.value else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(bar.label[:26])}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" '
                f'fill="url(#{chart_id}-solid)" stroke="#1c2430"/>'
            )
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    chart_id: str, title: str, rows: list[tuple[str, list[Part]]], legend: list[tuple[str, str]]
) -> str:
    """Horizontal stacked bars: each row's parts side by side, each part's value written on it when it fits
    (after the bar otherwise); `legend` is [(kind, name)], one per line above the bars."""
    kinds = [kind for kind, _name in legend]
    top = 8 + 22 * len(legend) + 6
    height = top + len(rows) * (BAR + GAP) + 6
    biggest = max((sum(p.value for p in parts) for _label, parts in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    svg = _open(chart_id, title, height, kinds)
    for line, (kind, name) in enumerate(legend):
        y = 6 + 22 * line
        svg.append(
            f'<rect x="0" y="{y}" width="16" height="16" fill="url(#{chart_id}-{kind})" stroke="#1c2430"/>'
            f'<text x="24" y="{y + 13}">{escape(name)}</text>'
        )
    for index, (label, row) in enumerate(rows):
        y = top + index * (BAR + GAP)
        svg.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label[:26])}</text>')
        left = LABEL_WIDTH
        outside = []
        for part in row:
            length = round(room * part.value / biggest) if part.value else 0
            if not length:
                continue
            svg.append(
                f'<rect x="{left}" y="{y}" width="{length}" height="{BAR}" '
                f'fill="url(#{chart_id}-{part.kind})" stroke="#1c2430"/>'
            )
            if length >= 8 * len(part.text) + 6:
                svg.append(
                    f'<text x="{left + length / 2:.0f}" y="{y + 16}" text-anchor="middle" font-weight="bold" '
                    f'fill="{_TEXT_ON[part.kind]}" paint-order="stroke" stroke="#fff" stroke-width="'
                    f'{0 if part.kind == "solid" else 3}">{escape(part.text)}</text>'
                )
            else:
                outside.append(part.text)
            left += length
        if not any(part.value for part in row):
            outside.append("0")
        if outside:
            svg.append(f'<text x="{left + 6}" y="{y + 16}">{escape(" + ".join(outside))}</text>')
    svg.append("</svg>")
    return "".join(svg)
