"""Training mode: scenario parties that answer questions, and the scored debrief."""
