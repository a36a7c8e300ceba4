"""Accounts: each user's agency, team and role; API tokens; reviewer grants; break glass."""
