"""Messy practice data: the flaws real exports have, injected into the tickets table,
and the answer key a trainer grades with.

Each level is a table of rates (``LEVELS``), per ticket row of the clean
table; each flaw draws its rows independently from the ``messiness`` random
stream, so the same seed gives the same flaws:

| flaw | what happens to a chosen row |
|---|---|
| ``duplicate`` | the row appears twice (the copy right after it) |
| ``blank_field`` | one text field (subject, company, requester e-mail, category, assignee...) is emptied |
| ``missing_csat`` | a CSAT score that was given is removed |
| ``test_ticket`` | an internal test ticket ("TEST - please ignore") is added after it |
| ``bot_ticket`` | an auto-reply / bot ticket ("Automatic reply: Out of office") is added after it |
| ``mixed_timestamp`` | its timestamps are written in another format or zone (US ``MM/DD/YYYY hh:mm AM``, UTC with `` UTC``, or Unix seconds) |
| ``label_variant`` | channel or category written another way (``Phone``, ``PHONE``, ``phone ``, ``Login Access``...) |
| ``impossible_duration`` | a duration becomes negative |
| ``outlier`` | a duration is multiplied by 50 to 200 |

Timestamp columns of a messy table are text (ISO 8601 for clean rows), since
one column holds several formats. Only the tickets table is made messy; the
answer key (``answer_key/``) lists every flawed row of the messy table by
position and id, with the clean value, and holds the clean tickets, the KPIs
of the clean data, the parameters behind the data and the expected answers to
standard exercises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.streams import StreamRegistry
from simulator.writers import time_text

MESSY_LEVELS = ("none", "light", "heavy")
FLAWS = ("duplicate", "blank_field", "missing_csat", "test_ticket", "bot_ticket",
         "mixed_timestamp", "label_variant", "impossible_duration", "outlier")
LEVELS: dict[str, dict[str, float]] = {
    "none": dict.fromkeys(FLAWS, 0.0),
    "light": {"duplicate": 0.01, "blank_field": 0.02, "missing_csat": 0.05, "test_ticket": 0.002,
              "bot_ticket": 0.003, "mixed_timestamp": 0.02, "label_variant": 0.03,
              "impossible_duration": 0.002, "outlier": 0.003},
    "heavy": {"duplicate": 0.04, "blank_field": 0.08, "missing_csat": 0.2, "test_ticket": 0.01,
              "bot_ticket": 0.015, "mixed_timestamp": 0.12, "label_variant": 0.12,
              "impossible_duration": 0.01, "outlier": 0.01},
}
ID_COLUMNS = ("ticket_id", "id", "Ticket ID")
CHANNEL_COLUMNS = ("channel", "via.channel", "Channel")
CATEGORY_COLUMNS = ("category", "Issue type")
CSAT_COLUMNS = ("csat_score", "satisfaction_rating.score")
BLANKABLE = ("subject", "company", "requester_email", "requester_name", "category", "assignee_name",
             "customer_tier", "Issue type", "tags")


class MessyError(ValueError):
    """An unknown level; the message names the option."""


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise MessyError(f"--messy: must be one of {', '.join(MESSY_LEVELS)}, got '{level}'")


def _variants(value: str) -> list[str]:
    """Other spellings of a label (never the label itself)."""
    words = value.replace("_", " ").strip()
    options = [words.title(), value.upper(), value + " ", words.lower().replace(" ", "-"),
               words[:1].upper() + words[1:].lower()]
    return list(dict.fromkeys(o for o in options if o != value))


def _first(columns: pd.Index, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in columns), None)


def make_messy(tickets: pd.DataFrame, level: str, seed: int,
               timezone: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The messy tickets table and its answer key (one row per flaw:
    row, id, flaw, column, clean_value), rows numbered 0.. in the messy table."""
    check_level(level)
    rates = LEVELS[level]
    rng = StreamRegistry(seed).generator("messiness")
    n = len(tickets)
    draws = {flaw: rng.random(n) < rates[flaw] for flaw in FLAWS}
    pick = rng.random((n, 4))
    frame = tickets.reset_index(drop=True).copy()
    columns = frame.columns
    id_column = _first(columns, ID_COLUMNS) or columns[0]
    times = [c for c in columns if pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]
    durations = [c for c in columns if pd.api.types.is_float_dtype(frame[c].dtype)
                 and ("minutes" in c or "seconds" in c)]
    flaws: list[tuple[int, str, str, object]] = []  # (clean row, flaw, column, clean value)

    clean_times = {c: frame[c] for c in times}
    for column in times:
        frame[column] = time_text(frame[column])
    for row in np.flatnonzero(draws["mixed_timestamp"]):
        style = int(pick[row, 0] * 3)
        for column in times:
            stamp = clean_times[column].iloc[row]
            if pd.isna(stamp):
                continue
            local = stamp.tz_convert(timezone) if stamp.tzinfo else stamp
            if style == 0:
                text = local.strftime("%m/%d/%Y %I:%M %p")
            elif style == 1:
                utc = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
                text = utc.strftime("%Y-%m-%d %H:%M:%S UTC")
            else:
                text = str(int(stamp.timestamp())) if stamp.tzinfo else local.strftime("%d.%m.%Y %H:%M")
            frame.at[row, column] = text
        flaws.append((row, "mixed_timestamp", ",".join(times), None))

    labels = [c for c in (_first(columns, CHANNEL_COLUMNS), _first(columns, CATEGORY_COLUMNS)) if c]
    for row in np.flatnonzero(draws["label_variant"]) if labels else ():
        column = labels[int(pick[row, 1] * len(labels))]
        value = frame.at[row, column]
        if isinstance(value, str) and value:
            options = _variants(value)
            frame.at[row, column] = options[int(pick[row, 2] * len(options))]
            flaws.append((row, "label_variant", column, value))

    blankable = [c for c in BLANKABLE if c in columns]
    for row in np.flatnonzero(draws["blank_field"]) if blankable else ():
        column = blankable[int(pick[row, 3] * len(blankable))]
        value = frame.at[row, column]
        if isinstance(value, str) and value:
            frame.at[row, column] = None
            flaws.append((row, "blank_field", column, value))

    csat = _first(columns, CSAT_COLUMNS)
    if csat is not None:
        given = frame[csat].notna().to_numpy()
        numeric = pd.api.types.is_numeric_dtype(frame[csat].dtype)
        if not numeric:
            given = given & frame[csat].isin(["good", "bad"]).to_numpy()
        for row in np.flatnonzero(draws["missing_csat"] & given):
            flaws.append((row, "missing_csat", csat, frame.at[row, csat]))
            frame.at[row, csat] = np.nan if numeric else None

    for flaw, change in (("impossible_duration", lambda v, u: -max(abs(v), 1.0) * (0.5 + u)),
                         ("outlier", lambda v, u: max(abs(v), 1.0) * (50.0 + 150.0 * u))):
        for row in np.flatnonzero(draws[flaw]) if durations else ():
            column = durations[int(pick[row, 1] * len(durations))]
            value = frame.at[row, column]
            if pd.notna(value):
                frame.at[row, column] = round(change(float(value), pick[row, 2]), 3)
                flaws.append((row, flaw, column, value))

    # Rows added right after their original: a duplicate, a test ticket, a bot ticket.
    extras = {f: draws[f].astype(int) for f in ("duplicate", "test_ticket", "bot_ticket")}
    copies = 1 + sum(extras.values())
    start = np.cumsum(copies) - copies  # position of each original row in the messy table
    messy = frame.iloc[np.repeat(np.arange(n), copies)].reset_index(drop=True)
    ids = frame[id_column].to_numpy()
    answer = [(int(start[row]), ids[row], flaw, column, value) for row, flaw, column, value in flaws]
    next_id = int(pd.to_numeric(frame[id_column], errors="coerce").max()) + 1 if n else 1
    fakes = {"test_ticket": ("TEST - please ignore", "qa+test@support.example.com", "Test"),
             "bot_ticket": ("Automatic reply: Out of office", "mailer-daemon@example.com", "Bot")}
    for row in np.flatnonzero(copies > 1):
        position = int(start[row]) + 1
        if extras["duplicate"][row]:
            answer.append((position, ids[row], "duplicate", "", None))
            position += 1
        for flaw, (subject, email, name) in fakes.items():
            if extras[flaw][row]:
                messy.at[position, id_column] = next_id
                for column, value in (("subject", subject), ("requester_email", email),
                                      ("requester_name", name)):
                    if column in messy.columns:
                        messy.at[position, column] = value
                answer.append((position, next_id, flaw, "", None))
                next_id += 1
                position += 1
    key = pd.DataFrame(answer, columns=["row", "id", "flaw", "column", "clean_value"])
    key["clean_value"] = key["clean_value"].map(lambda v: None if v is None or (
        isinstance(v, float) and np.isnan(v)) else str(v))
    return messy, key.sort_values(["row", "flaw"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- answer key


def expected_answers(tickets: pd.DataFrame, timezone: str) -> dict:
    """Answers to standard exercises, from the clean native tickets."""
    created = tickets["created"]
    if not isinstance(created.dtype, pd.DatetimeTZDtype):
        raise TypeError("expected_answers needs the native tickets with timestamps")
    local = created.dt.tz_convert(timezone)
    month = local.dt.strftime("%Y-%m")
    volume = tickets.groupby([month, tickets["channel"]]).size().unstack(fill_value=0)
    breach = tickets.groupby(tickets["channel"])[["sla_first_response_breached",
                                                  "sla_resolution_breached"]].mean()
    hours = tickets["resolution_calendar_minutes"] / 60.0
    bucket = pd.cut(hours, [0, 4, 24, 72, np.inf], labels=["<4h", "4-24h", "24-72h", ">72h"],
                    right=False)
    csat = tickets.groupby(bucket, observed=False)["csat_score"].agg(["mean", "count"])
    escalation = tickets.groupby("category")["escalations"].apply(lambda s: float((s > 0).mean()))
    weekday = local.dt.day_name().value_counts()
    return {
        "monthly_volume_by_channel": {m: {c: int(v) for c, v in row.items()}
                                      for m, row in volume.iterrows()},
        "sla_breach_rate_by_channel": {c: {"first_response": float(r.sla_first_response_breached),
                                           "resolution": float(r.sla_resolution_breached)}
                                       for c, r in breach.iterrows()},
        "csat_by_resolution_time": {str(b): {"mean_csat": None if pd.isna(r["mean"]) else float(r["mean"]),
                                             "responses": int(r["count"])} for b, r in csat.iterrows()},
        "escalation_rate_by_category": {k: float(v) for k, v in escalation.items()},
        "busiest_weekday": str(weekday.index[0]) if len(weekday) else None,
        "tickets_by_weekday": {k: int(v) for k, v in weekday.items()},
    }


SURGE_RATIO = 1.1  # a surge weekday: expected contacts >= 110% of a typical working day's


def weekday_contacts(config) -> dict[str, float]:
    """Expected contacts per weekday from the channels' volumes and day-of-week factors
    (before seasonality and holidays); a channel open in business hours only counts on
    the days the business hours list, one with its own weekly hours on those days."""
    from simulator.config import WEEKDAYS

    volume = dict.fromkeys(WEEKDAYS, 0.0)
    for channel in config.channels.values():
        hours = channel.open_hours
        for day in WEEKDAYS:
            if hours == "business" and not config.calendar.business_hours.get(day):
                continue
            if isinstance(hours, dict) and not hours.get(day):
                continue
            volume[day] += channel.volume_per_day * channel.day_of_week_factors.get(day, 1.0)
    return volume


def surge_weekdays(config) -> list[str]:
    """Weekdays whose expected contacts are at least ``SURGE_RATIO`` times the median of the
    working days (the days with at least half the busiest day's contacts)."""
    volume = weekday_contacts(config)
    busiest = max(volume.values())
    if busiest <= 0:
        return []
    typical = float(np.median([v for v in volume.values() if v >= busiest / 2]))
    return [day for day, v in volume.items() if v >= SURGE_RATIO * typical]


def true_parameters(config, tickets: pd.DataFrame, level: str) -> dict:
    """What is behind the data: the CSAT model, the mix, demand events, the weakest channel."""
    breach = tickets.groupby("channel")["sla_first_response_breached"].mean()
    return {
        "messy_level": level, "messy_rates": LEVELS[level],
        "csat_model": config.csat.model_dump(),
        "category_mix": {k: c.model_dump() for k, c in config.categories.items()},
        "priority_mix": dict(config.priorities),
        "day_of_week_factors": {k: dict(c.day_of_week_factors) for k, c in config.channels.items()},
        "seasonality": config.seasonality.model_dump(),
        "surge_weekdays": surge_weekdays(config),
        "expected_contacts_by_weekday": weekday_contacts(config),
        "surge_events": [e.model_dump(mode="json") for e in config.demand_events],
        "underperforming_channel": str(breach.idxmax()) if len(breach) else None,
        "first_response_breach_rate_by_channel": {k: float(v) for k, v in breach.items()},
    }
