"""The delivery engine: every outbound message that matters (bulletin deliveries, officers'
cards, questions to tipsters) is an outbox item drained at its bot account's pace, and
interactive replies share that account's budget with priority. Channel- and database-neutral."""
