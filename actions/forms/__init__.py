"""The step forms' prompts and validators, one module per step (opening, context,
interests, common ground, measures). Each validator reads the turn once, hands it to
the domain's turn decisions (`bot/mediation/moves.py`), carries out the move (the
record, the slots) and gives its reply (`replies.py`)."""

from actions.forms.common_ground import AskCommonGroundFeedback, ValidateCommonGroundForm
from actions.forms.context import (
    AskParties,
    AskScenario,
    AskTopic,
    AskTrainee,
    ValidateContextForm,
    context_answer,
    take_parties,
)
from actions.forms.interests import AskInterestStatement, ValidateInterestsForm
from actions.forms.measures import AskMeasureDecision, ValidateMeasuresForm
from actions.forms.opening import AskConsent, ValidateOpeningForm

__all__ = [
    "AskCommonGroundFeedback",
    "AskConsent",
    "AskInterestStatement",
    "AskMeasureDecision",
    "AskParties",
    "AskScenario",
    "AskTopic",
    "AskTrainee",
    "ValidateCommonGroundForm",
    "ValidateContextForm",
    "ValidateInterestsForm",
    "ValidateMeasuresForm",
    "ValidateOpeningForm",
    "context_answer",
    "take_parties",
]
