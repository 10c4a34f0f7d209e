"""Export shapes and enrichment on a small baseline run: the zendesk shape agrees
with the native tables, the simple log follows its rules, every column is described."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import enrich
from simulator.datasets import build_datasets
from simulator.dictionary import MISSING, describe, dictionary_frame
from simulator.engine import simulate
from simulator.enrich import build_directory, enrich_tickets, subjects_and_tags
from simulator.loading import load_scenario
from simulator.shapes import (
    PRIORITY_MAP,
    SHAPES,
    ShapeError,
    ShapeOptions,
    build_shape,
    csat_labels,
    table_names,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = 3


@pytest.fixture(scope="module")
def run():
    config = load_scenario(ROOT / "scenarios/baseline.yaml",
                           ("calendar.days=2", "calendar.warmup_days=2"))
    result = simulate(config, SEED)
    datasets = build_datasets(config, result)
    directory = build_directory(config, result.roster, SEED)
    shapes = {shape: build_shape(shape, config, datasets, result, SEED, directory=directory)
              for shape in SHAPES}
    return config, result, datasets, directory, shapes


def test_people_are_attached_once_per_customer(run, monkeypatch):
    config, result, _, directory, shapes = run
    tickets = shapes["native"]["tickets"]
    per_customer = tickets.groupby("customer")[["requester_name", "requester_email", "company"]].nunique()
    assert (per_customer == 1).all().all()
    domains = tickets["requester_email"].str.split("@").str[1]
    assert (domains.groupby(tickets["company"]).nunique() == 1).all()
    assert directory.customers["requester_email"].is_unique
    assert len(directory.customers) == config.customers.pool_size
    calls = []
    original = enrich._people

    def counting(fake, count, prefix, domains):
        calls.append(count)
        return original(fake, count, prefix, domains)

    monkeypatch.setattr(enrich, "_people", counting)
    build_directory(config, result.roster, SEED)
    assert calls == [config.customers.pool_size, len(result.roster)]  # never per ticket


def test_enrichment_is_seeded_and_follows_the_locale(run):
    config, result, _, directory, _ = run
    again = build_directory(config, result.roster, SEED)
    pd.testing.assert_frame_equal(again.customers, directory.customers)
    other_seed = build_directory(config, result.roster, SEED + 1)
    assert not other_seed.customers["requester_name"].equals(directory.customers["requester_name"])
    german = config.model_copy(update={"customers": config.customers.model_copy(
        update={"locale": "de_DE", "pool_size": 50})})
    names = build_directory(german, result.roster, SEED).customers["requester_email"]
    assert names.str.match(r"^[a-z0-9.]+@[a-z0-9.-]+$").all()  # ASCII e-mails from any locale


def test_subjects_by_category_with_a_fallback(run):
    tickets = pd.DataFrame({"ticket_id": [0, 1, 2, 3],
                            "category": ["login_access", "billing_account", "widgets", "widgets"]})
    subject, tags = subjects_and_tags(tickets, SEED)
    assert subject[0] in [s for s, _ in enrich.SUBJECTS["login_access"]]
    assert subject[2] == subject[3] == "Question about widgets" and tags[2] == "widgets"
    # drawn by ticket id: the same ticket keeps its subject in a larger table
    more = pd.concat([tickets, pd.DataFrame({"ticket_id": [9], "category": ["other"]})])
    assert list(subjects_and_tags(more, SEED)[0][:4]) == list(subject)


def test_native_shape_is_the_datasets_plus_enrichment(run):
    _, _, datasets, _, shapes = run
    native = shapes["native"]
    assert list(native) == list(datasets.tables())
    added = [c for c in native["tickets"].columns if c not in datasets.tickets.columns]
    assert added == list(enrich.ENRICHMENT_COLUMNS)
    assert isinstance(native["tickets"]["created"].dtype, pd.DatetimeTZDtype)


def test_zendesk_metrics_agree_with_native(run):
    _, _, datasets, _, shapes = run
    native = datasets.tickets.set_index("ticket_id")
    zd = shapes["zendesk"]
    metrics = zd["ticket_metrics"].set_index("ticket_id")
    ids = metrics.index.to_numpy() - 1
    row = native.loc[ids]

    def same(column, native_minutes):
        expected = pd.array(np.where(np.isnan(native_minutes), np.nan, np.rint(native_minutes)),
                            dtype="Int64")
        assert (pd.Series(metrics[column].array).fillna(-1).to_numpy()
                == pd.Series(expected).fillna(-1).to_numpy()).all(), column

    same("reply_time_in_minutes.calendar", row["frt_calendar_minutes"].to_numpy())
    same("reply_time_in_minutes.business", row["frt_business_minutes"].to_numpy())
    same("full_resolution_time_in_minutes.calendar", row["resolution_calendar_minutes"].to_numpy())
    same("full_resolution_time_in_minutes.business", row["resolution_business_minutes"].to_numpy())
    same("first_resolution_time_in_minutes.calendar", row["first_resolution_calendar_minutes"].to_numpy())
    same("agent_wait_time_in_minutes.calendar", row["pending_seconds"].to_numpy() / 60.0)
    same("on_hold_time_in_minutes.calendar", row["on_hold_seconds"].to_numpy() / 60.0)
    assert (metrics["reopens"].to_numpy() == row["reopens"].to_numpy()).all()
    assert (metrics["replies"].to_numpy() == row["replies"].to_numpy()).all()

    tickets = zd["tickets"].set_index("id")
    assert (tickets["status"].to_numpy() == row["status"].to_numpy()).all()
    assert set(tickets["status"]) <= {"new", "open", "pending", "hold", "solved", "closed"}
    assert (tickets["priority"].to_numpy() == row["priority"].map(PRIORITY_MAP).to_numpy()).all()
    assert PRIORITY_MAP == {"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low", "P5": "low"}
    voice = tickets["via.channel"] == "voice"
    assert (voice.to_numpy() == (row["channel"] == "phone").to_numpy()).all()
    scores = tickets["satisfaction_rating.score"]
    assert ((scores == "good") | (scores == "bad")).sum() == row["csat_score"].notna().sum()
    assert (scores == "unoffered").sum() == (~row["csat_surveyed"]).sum()
    ratings = zd["satisfaction_ratings"]
    assert len(ratings) == row["csat_surveyed"].sum()
    assert set(ratings["score"]) <= {"good", "bad", "offered"}


def test_csat_three_threshold_is_configurable():
    scores = np.array([1, 2, 3, 4, 5, np.nan, np.nan])
    surveyed = np.array([True] * 6 + [False])
    assert list(csat_labels(scores, surveyed)) == ["bad", "bad", "bad", "good", "good", "offered",
                                                   "unoffered"]
    assert csat_labels(scores, surveyed, "good")[2] == "good"
    with pytest.raises(ShapeError, match="--csat-three"):
        csat_labels(scores, surveyed, "meh")


def test_metric_events_follow_the_native_sla_clocks(run):
    _, _, datasets, _, shapes = run
    native = datasets.tickets
    events = shapes["zendesk"]["ticket_metric_events"]
    assert set(events["type"]) <= {"apply_sla", "activate", "pause", "fulfill", "breach"}
    reply = events[events["metric"] == "reply_time"]
    assert (reply["type"] == "fulfill").sum() == native["first_response_at"].notna().sum()
    assert (reply["type"] == "activate").sum() == len(native)
    breaches = reply[reply["type"] == "breach"]
    assert len(breaches) <= native["sla_first_response_breached"].sum()
    assert set(breaches["ticket_id"] - 1) <= set(native.loc[native["sla_first_response_breached"],
                                                             "ticket_id"])
    wait = events[events["metric"] == "requester_wait_time"]
    # fulfilled at every solve, activated again at every reopen
    assert (wait["type"] == "fulfill").sum() == (datasets.events["event"] == "solve").sum()
    reactivated = (wait["type"] == "activate").sum() - len(native)
    pending_ended = (datasets.events["event"] == "customer_reply").sum()
    assert reactivated == pending_ended + native["reopens"].sum()
    applied = events[events["type"] == "apply_sla"]
    assert applied["sla.target"].notna().all() and events["time"].is_monotonic_increasing is not None


def test_simple_log_rules(run):
    _, _, datasets, _, shapes = run
    simple = shapes["simple"]["tickets"]
    assert list(simple.columns) == ["Ticket ID", "Date opened", "Channel", "Issue type",
                                    "Time to resolution (minutes)", "Status"]
    done = datasets.tickets[datasets.tickets["status"].isin(["solved", "closed"])]
    assert len(simple) == len(done)
    assert set(simple["Status"]) <= {"Resolved", "Escalated", "Reopened"}
    reopened = (done["reopens"] > 0).to_numpy()
    assert (simple["Status"].to_numpy()[reopened] == "Reopened").all()
    assert simple["Time to resolution (minutes)"].notna().all()
    assert set(simple["Channel"]) <= {"Phone", "Chat", "Email", "Web", "Social"}


def test_every_column_of_every_shape_is_described(run):
    for shape, tables in run[4].items():
        frame = dictionary_frame(shape, tables)
        undescribed = frame.loc[frame["description"] == MISSING, ["table", "column"]]
        assert undescribed.empty, f"{shape}: {undescribed.values.tolist()}"
        assert list(tables) == list(table_names(shape))
    assert describe("zendesk", "tickets", "via.channel").startswith("voice")


def test_unknown_shape_names_the_option():
    with pytest.raises(ShapeError, match="^--shape: must be one of native, zendesk, simple"):
        table_names("freshdesk")


def test_shape_options_default_counts_three_as_bad():
    assert ShapeOptions().csat_three == "bad"
    assert enrich_tickets is not None
