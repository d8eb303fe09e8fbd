"""The web app (port 8000): landing page now; widget, debriefs and review later."""
