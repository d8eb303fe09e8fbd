"""The NLU pipeline run beside Rasa's event loop, in one worker thread.

Rasa 3.6 runs a message's NLU (the encoder in ONNX Runtime, DIET in TensorFlow)
inside its event loop: while a message is parsed, no other conversation's
tracker is read or written and no action-server reply is handled. Both runtimes
release Python's lock while they compute, so in a thread the loop goes on with
other conversations meanwhile, and the server uses a second core. One thread runs
every parse in turn, so the pipeline never runs twice at once. (A request cancelled
mid-parse stops waiting, but its parse still runs to the end in the thread.)
"""

from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor, structlogger
from rasa.shared.core.trackers import DialogueStateTracker

_NLU = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")
_RASA_PARSE = MessageProcessor.parse_message  # Rasa's own, for comparison in tests


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's `MessageProcessor.parse_message`, the graph run in the NLU thread."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            _NLU, self._parse_message_with_graph, message, tracker, only_output_properties
        )
    self._update_full_retrieval_intent(parse_data)
    structlogger.debug(
        "processor.message.parse",
        parse_data_text=copy.deepcopy(parse_data["text"]),
        parse_data_intent=parse_data["intent"],
        parse_data_entities=copy.deepcopy(parse_data["entities"]),
    )
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Parse in the NLU thread in this process (idempotent)."""
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
