"""The Samen Beslissen journey: catalogue, matching, understanding, dates, flow."""
