"""Outreach statistics: periods, figures, the Vietnamese narrative and the chat screens.

Everything here is pure (stdlib only): storage computes the figures, bot/report renders them.
"""
