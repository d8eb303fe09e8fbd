"""The closing summary: interests, common ground, agreed measures, next channels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.common_ground import join_names
from bot.knowledge.channels import Channel

MAX_CHANNELS = 3


@dataclass(frozen=True)
class PartyRecord:
    name: str
    interests: Sequence[str]
    positions: Sequence[str]


def suggest_channels(
    channels: Iterable[Channel], case_topics: Mapping[str, int], limit: int = MAX_CHANNELS
) -> list[Channel]:
    """Channels whose topics the case raised first; channels for every topic after."""
    scored = []
    for order, channel in enumerate(channels):
        overlap = sum(case_topics.get(t, 0) for t in channel.topics)
        general = not channel.topics
        if overlap or general:
            scored.append((-overlap, general, order, channel))
    return [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])[:limit]]


def build_summary(
    session_id: str,
    topic: str | None,
    parties: Sequence[PartyRecord],
    common_ground: Sequence[str],
    accepted: Sequence[str],
    rejected: Sequence[str],
    channels: Sequence[Channel],
) -> str:
    lines = ["Step 6 of 6: Agreement and next steps. Here is where you have arrived."]
    if topic:
        lines.append(f"Dispute: {topic}")
    if parties:
        lines.append(f"Parties: {join_names([p.name for p in parties])}")
    for party in parties:
        if party.interests:
            lines.append(f"What matters to {party.name}: " + "; ".join(party.interests))
        else:
            lines.append(f"What matters to {party.name}: not yet explored.")
        if party.positions:
            lines.append(f"  Positions {party.name} stated: " + "; ".join(party.positions))
    if common_ground:
        lines.append(
            "Common ground: "
            + " ".join(f"({i}) {text}" for i, text in enumerate(common_ground, start=1))
        )
    else:
        lines.append("Common ground: none confirmed yet.")
    if accepted:
        lines.append("Measures agreed: " + "; ".join(accepted))
    else:
        lines.append("Measures agreed: none yet.")
    if rejected:
        lines.append("Set aside: " + "; ".join(rejected))
    if channels:
        lines.append("Next channels to carry this forward:")
        lines.extend(f"- {c.title}: {c.description}" for c in channels)
    lines.append(f"Session reference: {session_id} (keep it to find this session again).")
    return "\n".join(lines)
