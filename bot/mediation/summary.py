"""The closing summary: interests, common ground, agreed measures, next channels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.channels import Channel
from bot.mediation.common_ground import join_names

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
    contested: Sequence[str] = (),
) -> str:
    """The closing text. `common_ground` holds shared needs and compatible interests;
    `contested` the objects several parties claim, listed apart as issues to work on."""
    # Blocks are separated by blank lines so chat widgets (Markdown) keep them apart.
    blocks = ["Step 6 of 6: Agreement and next steps. Here is where you have arrived."]
    if topic:
        blocks.append(f"Dispute: {topic}")
    if parties:
        blocks.append(f"Parties: {join_names([p.name for p in parties])}")
    for party in parties:
        said = "; ".join(party.interests) if party.interests else "not yet explored."
        block = f"What matters to {party.name}: {said}"
        if party.positions:
            block += f"\nPositions {party.name} stated: " + "; ".join(party.positions)
        blocks.append(block)
    if common_ground:
        blocks.append(
            "Common ground: "
            + " ".join(f"({i}) {text}" for i, text in enumerate(common_ground, start=1))
        )
    else:
        blocks.append("Common ground: none confirmed yet.")
    if contested:
        blocks.append(
            "Still contested (issues to work on, not common ground): "
            + " ".join(f"({i}) {text}" for i, text in enumerate(contested, start=1))
        )
    blocks.append("Measures agreed: " + ("; ".join(accepted) if accepted else "none yet."))
    if rejected:
        blocks.append("Set aside: " + "; ".join(rejected))
    if channels:
        blocks.append(
            "Next channels to carry this forward:\n"
            + "\n".join(f"- {c.title}: {c.description}" for c in channels)
        )
    blocks.append(f"Session reference: {session_id} (keep it to find this session again).")
    return "\n\n".join(blocks)
