"""Charts of the staff dashboard: matplotlib (Agg, no pyplot) drawn as plain, readable SVG."""

from __future__ import annotations

import io
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

INK, MUTED, LINE = "#1d2433", "#5b6475", "#d9dee8"
BRAND, BRAND_LIGHT, OK = "#1f4e8c", "#9db5d8", "#1d7a46"
STYLE = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, crisp
    "svg.hashsalt": "dossier-unique",  # stable ids from one render to the next
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.edgecolor": LINE,
    "text.color": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
}
# rcParams are global: one chart at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Bar:
    """One bar of the funnel: its label, its count, and whether it counts dossiers or routes."""

    label: str
    value: int
    group: str


def _svg(fig: Figure, title: str, description: str) -> str:
    """The figure as an SVG document with a <title> and <desc>, and nothing active in it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                bbox_inches="tight", pad_inches=0.1, transparent=False)
    root = ET.fromstring(buffer.getvalue())  # noqa: S314 (our own output, no entities)
    _strip(root)
    for tag, text in (("desc", description), ("title", title)):
        element = ET.Element(f"{{{SVG_NS}}}{tag}")
        element.text = text
        root.insert(0, element)
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


def _strip(element: ET.Element) -> None:
    """Drop anything that could act (scripts, event handlers, foreign content, links)."""
    for child in list(element):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "a", "metadata"):
            element.remove(child)
        else:
            _strip(child)
    for name in list(element.attrib):
        local = name.rsplit("}", 1)[-1].lower()
        value = element.attrib[name].strip().lower()
        if local.startswith("on") or (local == "href" and not value.startswith("#")):
            del element.attrib[name]


def funnel_svg(bars: Sequence[Bar], *, title: str, description: str,
               legend: dict[str, str], number: Callable[[int], str], width: float = 7.2) -> str:
    """Horizontal bars from drafts down to decisions, each with its count written at its end."""
    colors = {"dossiers": BRAND_LIGHT, "routes": BRAND}
    with _LOCK, matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, 0.55 * len(bars) + 0.9), dpi=100)
        ax = fig.add_subplot()
        positions = list(range(len(bars)))[::-1]
        values = [b.value for b in bars]
        top = max([*values, 1])
        ax.barh(positions, values, height=0.62, color=[colors[b.group] for b in bars])
        for y, bar in zip(positions, bars, strict=True):
            ax.text(bar.value + top * 0.015, y, number(bar.value), va="center", ha="left",
                    fontsize=12, fontweight="bold", color=INK)
        ax.set_yticks(positions, [b.label for b in bars], fontsize=12)
        ax.set_xlim(0, top * 1.15)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0, pad=8)
        handles = [Patch(color=colors[g], label=text)
                   for g, text in legend.items()]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  ncols=2 if width > 5 else 1, frameon=False, fontsize=10)
        return _svg(fig, title, description)


def amounts_svg(partners: Sequence[tuple[str, Decimal, Decimal]], *, title: str,
                description: str, labels: tuple[str, str],
                money: Callable[[float], str], width: float = 7.2) -> str:
    """Per partner, the amount requested and the amount approved, side by side.

    Wide: names beside the bars. Narrow (phones): each name above its bars, full width.
    """
    narrow = width <= 5
    step = 1.45 if narrow else 1.0
    with _LOCK, matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, (0.62 * step) * max(len(partners), 1) + 1.1), dpi=100)
        ax = fig.add_subplot()
        positions = [i * step for i in range(len(partners))][::-1]
        height = 0.38
        requested = [float(p[1]) for p in partners]
        approved = [float(p[2]) for p in partners]
        ax.barh([y + height / 2 for y in positions], requested, height=height,
                color=BRAND_LIGHT, label=labels[0])
        ax.barh([y - height / 2 for y in positions], approved, height=height, color=OK,
                label=labels[1])
        if narrow:
            ax.set_yticks([])
            for y, partner in zip(positions, partners, strict=True):
                ax.text(0, y + height + 0.06, textwrap.shorten(partner[0], 34, placeholder="…"),
                        fontsize=11, va="bottom", ha="left", color=INK)
            ax.set_ylim(-0.6, (positions[0] if positions else 0) + 1.0)
        else:
            names = ["\n".join(textwrap.wrap(p[0], 26, max_lines=2, placeholder="…"))
                     for p in partners]
            ax.set_yticks(positions, names, fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money(v)))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3 if narrow else 4, min_n_ticks=2))
        ax.set_xlim(0, max([*requested, *approved, 1]) * 1.05)
        ax.grid(axis="x", color=LINE, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.tick_params(axis="x", labelsize=10)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False,
                  fontsize=10)
        return _svg(fig, title, description)
