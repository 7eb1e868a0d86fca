"""Outboxes: rows before they are requests (bulletin deliveries, notifications) and the drain lease."""
