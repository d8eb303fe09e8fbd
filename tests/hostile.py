"""The hostile input both layers' property tests draw from (hypothesis), and how many
examples they take: derandomised, so CI runs the same cases every time."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Any character, control and format characters included, short and long. (Unpaired
# surrogates are not text: the channels refuse them, see the REST fuzz test.)
HOSTILE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from("\x00\x07\x1b\r\n\t \u202e\u200b\ufeff<>&'\"%;/\\"), max_size=80),
    st.text(max_size=20).map(lambda s: s * 400),  # up to 8,000 characters
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
