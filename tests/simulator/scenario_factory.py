"""Small random scenarios for property tests: two days (the first a daylight-saving
Sunday in Berlin, the second a holiday) after one warm-up day."""

from __future__ import annotations

from hypothesis import strategies as st

ALL_WEEK = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DAY_SHIFT = {d: ["08:00-16:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


@st.composite
def small_scenarios(draw, cover: bool = False) -> dict:
    """A small scenario; with ``cover`` the L2 agent also covers L1 phone, chat and email."""
    chat_k = draw(st.integers(1, 3))
    phone_patience = draw(st.sampled_from([None, 60.0, 300.0]))
    escalate = draw(st.sampled_from([0.0, 0.3]))
    shifts = draw(st.sampled_from(["all_week", "day"]))
    agents_l1 = draw(st.integers(1, 6))
    channels = {
        "phone": {"volume_per_day": draw(st.sampled_from([50.0, 200.0, 400.0])),
                  "open_hours": draw(st.sampled_from(["always", "business"])),
                  "handle": {"work": {"mean_seconds": 240.0},
                             "wrap": {"mean_seconds": 30.0, "distribution": "exponential"}},
                  "patience": None if phone_patience is None else {"mean_seconds": phone_patience},
                  "redial": {"probability": draw(st.sampled_from([0.0, 0.5]))}},
        "chat": {"volume_per_day": draw(st.sampled_from([30.0, 150.0])), "concurrency": chat_k,
                 "slowdown": [1.0, 1.2, 1.4][:chat_k],
                 "handle": {"work": {"mean_seconds": 420.0}},
                 "patience": {"mean_seconds": 200.0}},
        "email": {"volume_per_day": draw(st.sampled_from([20.0, 120.0])),
                  "handle": {"work": {"mean_seconds": 400.0}}},
    }
    week = ALL_WEEK if shifts == "all_week" else DAY_SHIFT
    return {
        "name": "prop",
        "calendar": {"start_date": "2026-03-29", "timezone": "Europe/Berlin", "days": 2,
                     "warmup_days": 1, "holidays": ["2026-03-30"]},
        "channels": channels,
        "categories": {"a": {"share": 0.6, "deflection_share": draw(st.sampled_from([0.0, 0.2])),
                             "escalate_to_l2": escalate, "escalate_to_l3": 0.5},
                       "b": {"share": 0.4}},
        "priorities": {"P1": 0.1, "P3": 0.9},
        "routing": {"shift_end": draw(st.sampled_from(["finish", "resume", "restart"]))},
        "customers": {"pool_size": 200, "tiers": {"gold": 0.3, "std": 0.7}},
        "sla": {"gold": {"P1": {"first_response_minutes": 15, "resolution_minutes": 240,
                                "next_reply_minutes": 30},
                         "P3": {"first_response_minutes": 120, "resolution_minutes": 1440,
                                "business_hours": True}},
                "std": {"P3": {"first_response_minutes": 240, "resolution_minutes": 2880,
                               "next_reply_minutes": 240, "business_hours": True}}},
        "tiers": {"L1": {}, "L2": {"work": {"mean_seconds": 1800}},
                  "L3": {"work": {"mean_seconds": 3600}}},
        "agents": [
            {"name": "l1", "tier": "L1", "count": agents_l1, "skills": ["phone", "chat", "email"],
             "shifts": [week]},
            {"name": "l2", "tier": "L2", "count": 1, "skills": [], "shifts": [week],
             **({"cover": {"L1": ["phone", "chat", "email"]}} if cover else {})},
            {"name": "l3", "tier": "L3", "count": 1, "skills": [], "shifts": [week]},
        ],
        "shrinkage": {"in_shift": [
            {"activity": "break", "minutes": 15, "at_shift_fraction": 0.3, "jitter_minutes": 10},
            {"activity": "meeting", "minutes": 30, "probability_per_shift": 0.5}],
            "absence_rate": draw(st.sampled_from([0.0, 0.2]))},
        "lifecycle": {"pending_probability": draw(st.sampled_from([0.0, 0.4])),
                      "pending_delay": {"mean_seconds": 3600},
                      "hold_probability": 0.5, "hold_delay": {"mean_seconds": 7200},
                      "truly_resolved_probability": draw(st.sampled_from([1.0, 0.7])),
                      "repeat_delay": {"mean_seconds": 14400},
                      "reopen_probability": draw(st.sampled_from([0.0, 0.3])),
                      "reopen_delay": {"mean_seconds": 7200}},
    }
