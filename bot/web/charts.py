"""Server-drawn SVG charts (no scripts on the page, so a strict CSP holds)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

LABEL_WIDTH, BAR_MAX, ROW = 250, 300, 30


def skills_chart(skills: Sequence[tuple[str, float]], title: str = "Scores by skill") -> str:
    """Horizontal bars from 0 to 100% for (label, score 0..1) pairs, with a 60% guide."""
    height = ROW * len(skills) + 24
    width = LABEL_WIDTH + BAR_MAX + 60
    rows = []
    for index, (label, score) in enumerate(skills):
        y = ROW * index
        length = round(BAR_MAX * max(0.0, min(1.0, score)))
        level = "good" if score >= 0.6 else "low"
        rows.append(
            f'<text x="0" y="{y + 19}">{escape(label)}</text>'
            f'<rect class="track" x="{LABEL_WIDTH}" y="{y + 5}" width="{BAR_MAX}" height="20"/>'
            f'<rect class="{level}" x="{LABEL_WIDTH}" y="{y + 5}" width="{length}" height="20"/>'
            f'<text x="{LABEL_WIDTH + BAR_MAX + 8}" y="{y + 19}">{round(score * 100)}%</text>'
        )
    guide = LABEL_WIDTH + round(BAR_MAX * 0.6)
    axis_y = ROW * len(skills) + 4
    return (
        f'<svg class="skills" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
        + "".join(rows)
        + f'<line class="guide" x1="{guide}" x2="{guide}" y1="0" y2="{axis_y}"/>'
        f'<text class="axis" x="{guide - 12}" y="{axis_y + 16}">60%</text></svg>'
    )


def progress_chart(points: Sequence[tuple[str, float]], title: str = "Overall score") -> str:
    """A line of overall scores across sessions, oldest first."""
    width, height, pad = 560, 200, 30
    if not points:
        return ""
    step = (width - 2 * pad) / max(1, len(points) - 1)
    coords = [
        (pad + step * i, height - pad - (height - 2 * pad) * max(0.0, min(1.0, score)))
        for i, (_, score) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(label)}: '
        f"{round(score * 100)}%</title></circle>"
        for (x, y), (label, score) in zip(coords, points, strict=True)
    )
    return (
        f'<svg class="progress" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
        f'y2="{height - pad}"/>'
        f'<text class="axis" x="0" y="{pad + 4}">100%</text>'
        f'<text class="axis" x="8" y="{height - pad + 4}">0%</text>'
        f'<polyline points="{line}"/>{dots}</svg>'
    )
