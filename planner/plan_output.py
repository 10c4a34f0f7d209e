"""A plan as data and as files: plan.json, schedule.csv, roster.csv, rotation.csv,
coverage.csv, verification.csv and report.html. Nothing here prints; the CLI does."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from planner.plan import Plan, channel_split, fte
from planner.report import write_report
from planner.requirements import workload_agents
from planner.schedule import schedule_table
from simulator import __version__
from simulator.config import SYNCHRONOUS_CHANNELS, WEEKDAYS, ScenarioConfig
from simulator.export import write_csv, write_json, write_run_folder
from simulator.loading import dump_scenario
from simulator.pipeline import scenario_hash

# Why the simulated answer may differ from the analytic one, per kind of group.
WHY_DIFFERENT = {
    "live": "abandonment and redials, breaks taken after the call in hand, and the interval "
            "requirement ignoring calls that spill over from busy intervals",
    "chat": "chat concurrency (N x k servers with AHT x slowdown is an approximation) and "
            "abandonment",
    "async": "backlog carried over nights and weekends, follow-up work (pending replies, "
             "reopens, repeats) arriving later than the first contact",
    "escalation": "escalations arrive after L1 handling and hold, follow-up work returns to "
                  "the same tier, and backlog carries over from day to day",
}


def _kind(group) -> str:
    if group.tier != "L1":
        return "escalation"
    if "chat" in group.channels:
        return "chat"
    if all(c in SYNCHRONOUS_CHANNELS for c in group.channels):
        return "live"
    return "async"


def headcount_summary(plan: Plan) -> dict:
    """Headcount and FTE per skill group, tier and channel."""
    groups = {}
    reserve = {}
    for row in plan.roster:
        reserve[row.skill_group] = reserve.get(row.skill_group, 0) + int(row.reserve)
    for item in plan.requirements.groups:
        name = item.name
        count = plan.headcount.get(name, 0)
        groups[name] = {
            "tier": item.group.tier, "channels": list(item.group.channels),
            "headcount": count, "reserve_for_absence": reserve.get(name, 0),
            "paid_hours_per_week": round(plan.paid_hours.get(name, 0.0), 2),
            "fte": round(fte(plan.paid_hours.get(name, 0.0)), 2),
            "analytic_headcount": plan.analytic_headcount.get(name, 0),
            "erlang_peak_agents": int(item.required.max()) if item.required.size else 0,
            "erlang_peak_agents_separate": int(item.required_separate.max())
            if item.required_separate.size else 0,
            "approximate": item.approximate}
    tiers: dict[str, dict] = {}
    for values in groups.values():
        tier = tiers.setdefault(values["tier"], {"headcount": 0, "fte": 0.0})
        tier["headcount"] += values["headcount"]
        tier["fte"] = round(tier["fte"] + values["fte"], 2)
    channels = channel_split(plan.requirements, plan.config, plan.headcount)
    return {"groups": groups, "tiers": tiers, "channels": channels,
            "total_headcount": sum(v["headcount"] for v in groups.values()),
            "total_fte": round(sum(v["fte"] for v in groups.values()), 2)}


def erlang_vs_simulation(plan: Plan) -> list[dict]:
    rows = []
    for item in plan.requirements.groups:
        analytic = plan.analytic_headcount.get(item.name, 0)
        final = plan.headcount.get(item.name, 0)
        rows.append({"group": item.name, "analytic_headcount": analytic,
                     "simulated_headcount": final,
                     "why": WHY_DIFFERENT[_kind(item.group)] if final != analytic else ""})
    return rows


def workload_check(plan: Plan, config: ScenarioConfig) -> list[dict]:
    """The playbook's daily formula beside the plan: a floor before queueing."""
    aht_minutes = np.mean([c.handle.mean_seconds for c in config.channels.values()]) / 60
    out = []
    for day, tickets in enumerate(plan.requirements.tickets_per_day):
        out.append({"day": WEEKDAYS[day], "tickets": round(float(tickets), 1),
                    "l1_agents_on_shift_floor": workload_agents(
                        float(tickets), float(aht_minutes), 8.0, plan.requirements.productive_share)})
    return out


def _slot_time(slot: int, per_day: int, minutes: int) -> str:
    """Local clock time (HH:MM) of a slot of the Monday-first planning week."""
    minute = (slot % per_day) * minutes
    return f"{minute // 60:02d}:{minute % 60:02d}"


def plan_payload(plan: Plan, seed: int, replications: int, confidence: float) -> dict:
    schedule = plan.schedule
    per_day = plan.requirements.slots_per_day
    minutes = plan.requirements.interval_minutes
    short = [{"group": g, "day": WEEKDAYS[i // per_day],
              "time": _slot_time(i, per_day, minutes),
              "agents_short": round(v, 3)} for g, i, v in schedule.short_intervals()]
    return {
        "scenario": plan.config.name, "seed": seed, "week_start": plan.requirements.week_start,
        "replications": replications, "confidence": confidence,
        "targets_hold": plan.targets_hold, "stop_reason": plan.stop_reason,
        "headcount": headcount_summary(plan),
        "weekly_cost": round(plan.weekly_cost, 2),
        "schedule": {"status": schedule.status, "mip_gap": schedule.mip_gap,
                     "objective": schedule.objective, "short_intervals": short},
        "kpis": [e.as_dict() for e in plan.estimates],
        "sensitivity": {k: [e.as_dict() for e in v if e.target is not None]
                        for k, v in plan.sensitivity.items()},
        "iterations": [dataclasses.asdict(i) for i in plan.iterations],
        "erlang_vs_simulation": erlang_vs_simulation(plan),
        "workload_check": workload_check(plan, plan.config),
        **({"cover": cover_summary(plan)} if plan.schedule.cover else {}),
    }


def cover_summary(plan: Plan) -> dict:
    """planning.cover as planned: the rules and the agent-hours each group lends and gets."""
    schedule = plan.schedule
    hours = plan.requirements.interval_minutes / 60.0

    def per_group(values: np.ndarray) -> dict[str, float]:
        return {name: round(float(values[g].sum()) * hours, 2)
                for g, name in enumerate(schedule.group_names) if values[g].any()}

    return {"rules": [dataclasses.asdict(c) for c in schedule.cover],
            "agent_hours_lent": per_group(schedule.covering),
            "agent_hours_received": per_group(schedule.covered)}


def coverage_frame(plan: Plan) -> pd.DataFrame:
    per_day = plan.requirements.slots_per_day
    minutes = plan.requirements.interval_minutes
    frames = []
    for index, item in enumerate(plan.requirements.groups):
        slots = np.arange(item.required.size)
        frames.append(pd.DataFrame({
            "group": item.name,
            "day": [WEEKDAYS[s // per_day] for s in slots],
            "time": [_slot_time(s, per_day, minutes) for s in slots],
            "required_agents": item.required,
            "required_agents_separate": item.required_separate,
            "async_work_hours": item.work_seconds / 3600.0,
            "allowed_backlog_hours": item.allowed_backlog_seconds / 3600.0,
            "coverage": plan.schedule.coverage[index],
            **_cover_columns(plan, index),
            "shortfall": plan.schedule.shortfall[index]}))
    return pd.concat(frames, ignore_index=True)


def _cover_columns(plan: Plan, index: int) -> dict[str, np.ndarray]:
    """With planning.cover: agents of other groups doing this group's work (in its own
    agents) and this group's agents doing other groups' work, per interval."""
    schedule = plan.schedule
    if not schedule.cover:
        return {}
    return {"cover_received": schedule.covered[index], "cover_lent": schedule.covering[index]}


def roster_frame(plan: Plan) -> pd.DataFrame:
    """roster.csv; the ``covers`` column only when some agent covers lower-tier work."""
    frame = pd.DataFrame([dataclasses.asdict(r) for r in plan.roster])
    if "covers" in frame and not frame["covers"].astype(bool).any():
        frame = frame.drop(columns=["covers"])
    return frame


def rotation_frame(config: ScenarioConfig) -> pd.DataFrame:
    """Each agent's shifts and breaks in every week of its rotation (week 1 is the
    planned week), read from the planned scenario as the simulator reads it."""
    rows = []
    for group in config.agents:
        for member, name in enumerate(group.names or []):
            for week in range(len(group.shifts)):
                pattern = group.pattern_of(member, week)
                shifts = group.shifts[pattern]
                breaks = group.breaks_of_pattern(pattern) or {}
                rows.append({
                    "name": name, "agent_group": group.name, "week": week + 1,
                    "days": " ".join(d for d in WEEKDAYS if d in shifts),
                    "shift": " ".join(sorted({r for ranges in shifts.values() for r in ranges})),
                    "breaks": "; ".join(f"{day} {b.activity} {b.start} {b.minutes:g}m"
                                        for day in WEEKDAYS for b in breaks.get(day, []))})
    return pd.DataFrame(rows, columns=["name", "agent_group", "week", "days", "shift", "breaks"])


def verification_frame(plan: Plan) -> pd.DataFrame:
    rows = [{"replication": r.replication, **r.values} for r in plan.replication_results]
    return pd.DataFrame(rows)


def write_plan_folder(plan: Plan, folder: Path, force: bool, seed: int, replications: int,
                      confidence: float) -> Path:
    payload = plan_payload(plan, seed, replications, confidence)

    def fill(path: Path) -> None:
        write_json(payload, path / "plan.json")
        write_csv(schedule_table(plan.schedule), path / "schedule.csv")
        write_csv(roster_frame(plan), path / "roster.csv")
        write_csv(rotation_frame(plan.config), path / "rotation.csv")
        write_csv(coverage_frame(plan), path / "coverage.csv")
        write_csv(verification_frame(plan), path / "verification.csv")
        (path / "scenario.planned.yaml").write_text(dump_scenario(plan.config), encoding="utf-8")
        write_report(path, "plan")

    manifest = {"supportsim_version": __version__, "command": "plan", "scenario": plan.config.name,
                "seed": seed, "replications": replications,
                "scenario_sha256": scenario_hash(plan.config),
                "timezone": plan.config.calendar.timezone}
    return write_run_folder(folder, force, fill, manifest)
