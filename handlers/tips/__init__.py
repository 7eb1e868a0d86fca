"""The tip line: anonymous tips, team incident reports, the officer inbox, follow-up."""
