"""The debrief as chat messages: short enough to read in a widget, with a link to
the full page (chart, every match and miss, the answer key)."""

from __future__ import annotations

from bot.training.scoring import Debrief, SkillScore

BAR_WIDTH = 10
ITEMS_IN_CHAT = 3


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def bar(score: float) -> str:
    """A text bar for the chat: "███████░░░"."""
    filled = round(score * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _items(title: str, items: tuple[str, ...]) -> str:
    if not items:
        return ""
    shown = "; ".join(item.rstrip(".") for item in items[:ITEMS_IN_CHAT])
    more = (
        f" (and {len(items) - ITEMS_IN_CHAT} more on the debrief page)"
        if len(items) > ITEMS_IN_CHAT
        else ""
    )
    return f"\n{title}: {shown}{more}."


def skill_message(skill: SkillScore) -> str:
    return (
        f"{skill.label}: {percent(skill.score)}. {skill.summary}"
        f"{_items('Found', skill.found)}{_items('Missed', skill.missed)}"
        f"\nTip: {skill.tip}"
    )


def chat_messages(debrief: Debrief, scenario_title: str, link: str) -> list[str]:
    chart = "\n".join(f"{bar(s.score)} {percent(s.score)} {s.label}" for s in debrief.skills)
    return [
        f"Debrief for “{scenario_title}”. Overall: {percent(debrief.overall)}.\n{chart}",
        *(skill_message(s) for s in debrief.skills),
        # Markdown: the widget renders it as a link; over REST the address stays readable.
        f"Your full debrief, with the chart, every match and the answer key: "
        f"[open the debrief page]({link})",
    ]
