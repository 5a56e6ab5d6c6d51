"""meeting-bot: answers questions about the Nov 21, 2025 Trump–Mamdani meeting with cited excerpts."""
