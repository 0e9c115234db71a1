"""Server-rendered SVG for the admin's coverage pages (no JavaScript, no chart library)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from apps.attribution.selectors import CoveragePoint

WIDTH = 640
HEIGHT = 160
PAD_LEFT = 36
PAD_BOTTOM = 22
PAD_TOP = 10


def coverage_chart(series: list[CoveragePoint], *, title: str) -> SafeString:
    """Bars per day: created applications (light) and confirmed ones (dark); the label shows the share."""
    days = max(len(series), 1)
    plot_width = WIDTH - PAD_LEFT - 8
    plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
    peak = max((point.total for point in series), default=0) or 1
    slot = plot_width / days
    bar = max(slot * 0.7, 1.0)
    bars = []
    for index, point in enumerate(series):
        x = PAD_LEFT + index * slot + (slot - bar) / 2
        total_height = plot_height * point.total / peak
        confirmed_height = plot_height * point.confirmed / peak
        share = f"{point.share:.0%}" if point.share is not None else "–"
        tooltip = f"{point.day.isoformat()}: {point.confirmed}/{point.total} confirmed ({share})"
        bars.append(
            (
                f"{x:.1f}",
                f"{PAD_TOP + plot_height - total_height:.1f}",
                f"{bar:.1f}",
                f"{total_height:.1f}",
                f"{PAD_TOP + plot_height - confirmed_height:.1f}",
                f"{confirmed_height:.1f}",
                tooltip,
            )
        )
    body = format_html_join(
        "",
        '<g><title>{6}</title><rect x="{0}" y="{1}" width="{2}" height="{3}" fill="#c7d2fe"/>'
        '<rect x="{0}" y="{4}" width="{2}" height="{5}" fill="#4338ca"/></g>',
        bars,
    )
    first = series[0].day.isoformat() if series else ""
    last = series[-1].day.isoformat() if series else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{title}" class="coverage-chart"><title>{title}</title>'
        '<line x1="{pl}" y1="{base}" x2="{right}" y2="{base}" stroke="#94a3b8"/>'
        '<text x="{lx}" y="{ty}" font-size="10" text-anchor="end" fill="#64748b">{peak}</text>'
        '<text x="{lx}" y="{base}" font-size="10" text-anchor="end" fill="#64748b">0</text>'
        "{body}"
        '<text x="{pl}" y="{h_text}" font-size="10" fill="#64748b">{first}</text>'
        '<text x="{right}" y="{h_text}" font-size="10" text-anchor="end" fill="#64748b">{last}</text></svg>',
        w=WIDTH,
        h=HEIGHT,
        title=title,
        pl=PAD_LEFT,
        base=PAD_TOP + plot_height,
        right=WIDTH - 8,
        lx=PAD_LEFT - 4,
        ty=PAD_TOP + 8,
        peak=peak,
        body=body,
        h_text=HEIGHT - 6,
        first=first,
        last=last,
    )
