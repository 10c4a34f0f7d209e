"""The zendesk_warehouse shape: the Fivetran connector's tables, referentially
whole, reproducible, and agreeing with supportsim's own tickets table when the
metrics are recomputed in SQL the way Zendesk defines them."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from simulator.datasets import build_datasets
from simulator.dictionary import MISSING, dictionary_frame
from simulator.engine import simulate
from simulator.generate import GenerateRequest, run_generate
from simulator.loading import load_scenario
from simulator.shapes import TICKET_ID_OFFSET, table_names
from simulator.warehouse import WAREHOUSE_TABLES
from simulator.zendesk_zones import zendesk_zone_name

ROOT = Path(__file__).resolve().parents[2]
SEED = 5
# optional agent work targets on the P2-P4 policies (P1 and P5 keep none)
AGENT_WORK_SETS = tuple(f"sla.{tier}.{priority}.agent_work_minutes={minutes}"
                        for tier in ("enterprise", "mid_market", "smb")
                        for priority, minutes in (("P2", 60), ("P3", 120), ("P4", 240)))
SETS = ("calendar.days=2", "calendar.warmup_days=1", *AGENT_WORK_SETS)
FORMATS = ("duckdb", "parquet", "csv")


def _generate(folder: Path, sets=SETS, formats=FORMATS):
    config = load_scenario(ROOT / "scenarios/baseline.yaml", sets)
    return run_generate(config, SEED, folder, GenerateRequest("zendesk_warehouse", formats))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("warehouse")
    first, second = _generate(base / "a"), _generate(base / "b")
    config = load_scenario(ROOT / "scenarios/baseline.yaml", SETS)
    native = build_datasets(config, simulate(config, SEED)).tickets
    connection = duckdb.connect(str(first.folder / "zendesk_warehouse.duckdb"), read_only=True)
    yield first, second, native, connection
    connection.close()


def test_tables_and_schema(exported):
    first, _, _, con = exported
    assert table_names("zendesk_warehouse") == WAREHOUSE_TABLES
    found = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    assert {t for s, t in found if s == "zendesk"} == set(WAREHOUSE_TABLES)
    for table in WAREHOUSE_TABLES:
        assert (first.folder / f"{table}.parquet").exists() and (first.folder / f"{table}.csv").exists()
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                         "where table_schema = 'zendesk' and table_name = 'ticket'").fetchall())
    assert types["created_at"] == "TIMESTAMP" and types["id"] == "BIGINT"
    assert types["requester_id"] == "BIGINT"
    header = (first.folder / "ticket.csv").read_text().splitlines()[1]
    assert "Z" not in header.split(",")[1] and "+" not in header


FOREIGN_KEYS = (
    ("ticket", "requester_id", "user"), ("ticket", "submitter_id", "user"),
    ("ticket", "assignee_id", "user"), ("ticket", "group_id", "group"),
    ("ticket", "organization_id", "organization"), ("ticket", "brand_id", "brand"),
    ("ticket_comment", "ticket_id", "ticket"), ("ticket_comment", "user_id", "user"),
    ("ticket_field_history", "ticket_id", "ticket"), ("ticket_field_history", "user_id", "user"),
    ("user", "organization_id", "organization"), ("ticket_tag", "ticket_id", "ticket"),
    ("domain_name", "organization_id", "organization"),
    ("satisfaction_rating", "ticket_id", "ticket"), ("satisfaction_rating", "requester_id", "user"),
    ("satisfaction_rating", "assignee_id", "user"), ("satisfaction_rating", "group_id", "group"),
    ("schedule_holiday", "schedule_id", "schedule"), ("ticket_schedule", "schedule_id", "schedule"),
    ("ticket_schedule", "ticket_id", "ticket"),
)


@pytest.mark.parametrize(("table", "column", "target"), FOREIGN_KEYS)
def test_referential_integrity(exported, table, column, target):
    con = exported[3]
    orphans = con.execute(f'select count(*) from zendesk."{table}" t where t.{column} is not null '
                      f'and t.{column} not in (select id from zendesk."{target}")').fetchone()[0]
    assert orphans == 0


def test_history_values_refer_to_existing_ids(exported):
    con = exported[3]
    for field, target in (("assignee_id", "user"), ("group_id", "group")):
        orphans = con.execute(f"select count(*) from zendesk.ticket_field_history where field_name = "
                          f"'{field}' and cast(value as bigint) not in "
                          f'(select id from zendesk."{target}")').fetchone()[0]
        assert orphans == 0
    assert con.execute("select count(*) from zendesk.ticket_comment where user_id is null").fetchone()[0] == 0
    assert con.execute("select count(*) from zendesk.schedule where time_zone not in "
                   "(select time_zone from zendesk.time_zone)").fetchone()[0] == 0
    # the connector's primary keys are unique
    for table, key in (("ticket", "id"), ("ticket_comment", "id"), ("user", "id"),
                       ("ticket_field_history", "ticket_id, field_name, updated"),
                       ("ticket_tag", "ticket_id, tag")):
        total, distinct = con.execute(f'select count(*), count(distinct ({key})) from zendesk."{table}"'
                                  ).fetchone()
        assert total == distinct, table


def test_same_seed_same_files(exported):
    first, second, _, _ = exported
    for table in WAREHOUSE_TABLES:
        for fmt in ("parquet", "csv"):
            name = f"{table}.{fmt}"
            assert filecmp.cmp(first.folder / name, second.folder / name, shallow=False), name
    a = duckdb.connect(str(first.folder / "zendesk_warehouse.duckdb"), read_only=True)
    b = duckdb.connect(str(second.folder / "zendesk_warehouse.duckdb"), read_only=True)
    try:
        for table in WAREHOUSE_TABLES:
            query = f'select * from zendesk."{table}" order by all'
            pd.testing.assert_frame_equal(a.execute(query).df(), b.execute(query).df())
    finally:
        a.close()
        b.close()


def test_schedule_matches_business_hours(exported):
    con = exported[3]
    rows = con.execute("select start_time, end_time from zendesk.schedule order by start_time").fetchall()
    # baseline: Monday to Friday 08:00-18:00, minutes from Sunday 00:00 local
    assert rows == [(1440 * d + 480, 1440 * d + 1080) for d in range(1, 6)]
    assert 1440 + 9 * 60 == 1980  # Monday 09:00
    assert con.execute("select standard_offset from zendesk.time_zone").fetchone()[0] == "-05:00"
    daylight = con.execute("select daylight_start_utc, daylight_end_utc, daylight_offset "
                       "from zendesk.daylight_time where year = 2026").fetchone()
    assert daylight == (pd.Timestamp("2026-03-08 07:00").to_pydatetime(),
                        pd.Timestamp("2026-11-01 06:00").to_pydatetime(), 1)
    holidays = con.execute("select start_date, end_date, name from zendesk.schedule_holiday").df()
    assert holidays["name"].notna().all() and (holidays["start_date"] <= holidays["end_date"]).all()
    assert "2026-01-19" in set(holidays["start_date"].astype(str))
    ids = con.execute("select id from zendesk.schedule_holiday where start_date = '2026-01-19'")
    assert ids.fetchone()[0] == 100_000_000 + 20260119  # an integer, as the connector's


def test_time_zone_names_are_zendesk_names_and_join(exported):
    con = exported[3]
    # America/New_York under the Rails name Zendesk and the connector use
    names = {con.execute(f'select distinct time_zone from zendesk."{table}"').fetchone()[0]
             for table in ("schedule", "time_zone", "daylight_time", "user")}
    assert names == {"Eastern Time (US & Canada)"}
    joined = con.execute("select count(*) from zendesk.schedule s join zendesk.time_zone z "
                         "on lower(z.time_zone) = lower(s.time_zone) join zendesk.daylight_time d "
                         "on lower(d.time_zone) = lower(z.time_zone)").fetchone()[0]
    assert joined > 0
    assert zendesk_zone_name("Europe/London") == "London"
    assert zendesk_zone_name("Europe/Oslo") == "Europe/Oslo"  # no Zendesk name: kept


GROUND_TRUTH = """
with comments as (
    select c.*, u.role in ('agent', 'admin') as by_agent,
           min(c.id) over (partition by c.ticket_id) as first_comment_id
    from zendesk.ticket_comment c join zendesk."user" u on u.id = c.user_id
),
first_reply as (
    select ticket_id, min(created) as first_reply_at
    from comments where public and by_agent and id > first_comment_id group by ticket_id
),
replies as (
    select ticket_id, count(*) as replies from comments
    where public and by_agent group by ticket_id
),
statuses as (
    select ticket_id, value, updated,
           lag(value) over (partition by ticket_id order by updated) as previous
    from zendesk.ticket_field_history where field_name = 'status'
),
spells as (
    select s.ticket_id, s.value,
           epoch(coalesce(lead(s.updated) over (partition by s.ticket_id order by s.updated),
                          (select max(_fivetran_synced) from zendesk.ticket)))
           - epoch(s.updated) as seconds
    from statuses s
),
spell_totals as (
    select ticket_id,
           coalesce(sum(seconds) filter (where value = 'pending'), 0) as pending_seconds,
           count(*) filter (where value = 'pending') as pending_spells,
           coalesce(sum(seconds) filter (where value = 'hold'), 0) as hold_seconds,
           count(*) filter (where value = 'hold') as hold_spells
    from spells group by ticket_id
),
reopens as (
    select ticket_id, count(*) filter (where previous = 'solved' and value not in ('solved', 'closed'))
           as reopens,
           arg_max(value, updated) as last_status,
           min(updated) filter (where value = 'solved') as first_solved_at,
           max(updated) filter (where value = 'solved') as last_solved_at
    from statuses group by ticket_id
)
select t.id, t.status,
       epoch(f.first_reply_at) - epoch(t.created_at) as first_reply_seconds,
       coalesce(r.replies, 0) as replies, o.reopens, o.last_status,
       epoch(o.first_solved_at) - epoch(t.created_at) as first_resolution_seconds,
       epoch(o.last_solved_at) - epoch(t.created_at) as full_resolution_seconds,
       p.pending_seconds, p.pending_spells, p.hold_seconds, p.hold_spells
from zendesk.ticket t
left join spell_totals p on p.ticket_id = t.id
left join first_reply f on f.ticket_id = t.id
left join replies r on r.ticket_id = t.id
left join reopens o on o.ticket_id = t.id
order by t.id
"""


# Friday 2026-01-16 to Tuesday 2026-01-20: a weekend and a holiday (MLK Day, Monday 19th)
HOLIDAY_SETS = ("calendar.start_date=2026-01-16", "calendar.days=5", "calendar.warmup_days=1",
                *AGENT_WORK_SETS)


@pytest.fixture(scope="module")
def holiday_export(tmp_path_factory):
    outcome = _generate(tmp_path_factory.mktemp("warehouse_holiday") / "run", HOLIDAY_SETS,
                        ("duckdb",))
    config = load_scenario(ROOT / "scenarios/baseline.yaml", HOLIDAY_SETS)
    native = build_datasets(config, simulate(config, SEED)).tickets
    connection = duckdb.connect(str(outcome.folder / "zendesk_warehouse.duckdb"), read_only=True)
    yield native, connection
    connection.close()


@pytest.fixture(params=["weekdays", "weekend_and_holiday"])
def dataset(request, exported, holiday_export):
    if request.param == "weekdays":
        return exported[2], exported[3]
    return holiday_export


def test_ground_truth_agrees_with_native_tickets(dataset):
    native, con = dataset
    sql = con.execute(GROUND_TRUTH).df().set_index("id")
    truth = native.set_index(native["ticket_id"] + TICKET_ID_OFFSET).loc[sql.index]
    assert len(sql) == len(native) > 100
    # first reply, calendar: timestamps are floored to the second, so within 1 s
    expected = truth["frt_calendar_minutes"].to_numpy() * 60.0
    got = sql["first_reply_seconds"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(expected), np.isnan(got))
    answered = ~np.isnan(expected)
    assert answered.sum() > 100 and (~answered).sum() > 0  # some still unanswered
    assert np.all(np.abs(got[answered] - expected[answered]) <= 1.0)
    # first resolution, calendar
    expected = truth["first_resolution_calendar_minutes"].to_numpy() * 60.0
    got = sql["first_resolution_seconds"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(expected), np.isnan(got))
    assert np.all(np.abs(got - expected)[~np.isnan(expected)] <= 1.0)
    # full resolution (created to the last solve), calendar
    expected = truth["resolution_calendar_minutes"].to_numpy() * 60.0
    got = sql["full_resolution_seconds"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(expected), np.isnan(got))
    assert np.all(np.abs(got - expected)[~np.isnan(expected)] <= 1.0)
    # time pending and on hold: each status spell is floored at both ends, so the
    # sum is within one second per spell
    for column, spells, native_column in (("pending_seconds", "pending_spells", "pending_seconds"),
                                          ("hold_seconds", "hold_spells", "on_hold_seconds")):
        diff = np.abs(sql[column].to_numpy(dtype=float) - truth[native_column].to_numpy())
        assert np.all(diff <= np.maximum(sql[spells].to_numpy(dtype=float), 1.0)), column
    assert truth["pending_seconds"].sum() > 0
    # replies, reopens, status
    assert (sql["replies"].to_numpy() == truth["replies"].to_numpy()).all()
    assert (sql["reopens"].to_numpy() == truth["reopens"].to_numpy()).all()
    assert truth["reopens"].sum() > 0
    assert (sql["last_status"].to_numpy() == truth["status"].to_numpy()).all()
    assert (sql["status"].to_numpy() == truth["status"].to_numpy()).all()


def test_comments_follow_the_event_log(exported):
    con = exported[3]
    first = con.execute("""
        select count(*) filter (where c.user_id <> t.requester_id or not c.public
                                or c.created <> t.created_at)
        from zendesk.ticket_comment c join zendesk.ticket t on t.id = c.ticket_id
        where c.id = (select min(id) from zendesk.ticket_comment d where d.ticket_id = c.ticket_id)
    """).fetchone()[0]
    assert first == 0  # the description: public, by the requester, at created_at
    private = con.execute("select count(*), bool_and(u.role = 'agent') from zendesk.ticket_comment c "
                      "join zendesk.\"user\" u on u.id = c.user_id where not c.public").fetchone()
    assert private[0] > 0 and private[1]  # escalation hand-offs are agents' private notes


def test_sla_rows(exported):
    _, _, native, con = exported
    rows = con.execute("""
        select ticket_id, field_name, value from zendesk.ticket_field_history
        where field_name in ('sla_policy', 'first_reply_time', 'requester_wait_time')
    """).df()
    policy = rows[rows["field_name"] == "sla_policy"].set_index("ticket_id")["value"]
    truth = native.set_index(native["ticket_id"] + TICKET_ID_OFFSET)
    assert (policy == (truth["customer_tier"] + " " + truth["priority"]).loc[policy.index]).all()
    first = rows[rows["field_name"] == "first_reply_time"].set_index("ticket_id")["value"]
    parsed = first.map(json.loads)
    minutes = parsed.map(lambda v: v["minutes"])
    business = parsed.map(lambda v: v["in_business_hours"])
    assert (minutes == truth.loc[first.index, "sla_first_response_target_minutes"]).all()
    assert (business == truth.loc[first.index, "sla_business_hours"]).all()
    order = con.execute("""
        select count(*) from zendesk.ticket_field_history s join zendesk.ticket_field_history p
        on p.ticket_id = s.ticket_id and p.field_name = 'sla_policy'
        where s.field_name = 'first_reply_time' and p.updated > s.updated
    """).fetchone()[0]
    assert order == 0


def test_every_column_is_described(exported):
    first = exported[0]
    tables = {name: pd.read_parquet(first.folder / f"{name}.parquet") for name in WAREHOUSE_TABLES}
    frame = dictionary_frame("zendesk_warehouse", tables)
    undescribed = frame.loc[frame["description"] == MISSING, ["table", "column"]]
    assert undescribed.empty, undescribed.to_string()


# Business time from the exported schedule alone: each local date's open intervals
# (schedule rows of its weekday, holidays out) turned into UTC with the zone's standard
# offset and the daylight_time rows, then overlapped with each ticket's first-reply span.
OPEN_HOURS = """
with zone as (
    select s.id as schedule_id, z.time_zone,
           (case when substr(z.standard_offset, 1, 1) = '-' then -1 else 1 end)
           * (cast(substr(z.standard_offset, 2, 2) as integer) * 60
              + cast(substr(z.standard_offset, 5, 2) as integer)) as standard_minutes
    from (select distinct id, time_zone from zendesk.schedule) s
    join zendesk.time_zone z on z.time_zone = s.time_zone
),
span as (select min(created_at)::date - 1 as first_day,
                (select max(_fivetran_synced) from zendesk.ticket)::date + 1 as last_day
         from zendesk.ticket),
days as (select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as day
         from span),
local_open as (
    select s.id as schedule_id, d.day,
           d.day + to_minutes(cast(s.start_time - 1440 * (s.start_time // 1440) as bigint)) as local_start,
           d.day + to_minutes(cast(s.end_time - 1440 * (s.start_time // 1440) as bigint)) as local_end
    from zendesk.schedule s join days d on dayofweek(d.day) = s.start_time // 1440
    where not exists (select 1 from zendesk.schedule_holiday h where h.schedule_id = s.id
                      and d.day between h.start_date and h.end_date)
),
utc_open as (
    select o.schedule_id,
           o.local_start - to_minutes(z.standard_minutes + coalesce(60 * (
               select max(dt.daylight_offset) from zendesk.daylight_time dt
               where dt.time_zone = z.time_zone
               and o.local_start - to_minutes(z.standard_minutes)
                   between dt.daylight_start_utc and dt.daylight_end_utc), 0)) as open_at,
           o.local_end - to_minutes(z.standard_minutes + coalesce(60 * (
               select max(dt.daylight_offset) from zendesk.daylight_time dt
               where dt.time_zone = z.time_zone
               and o.local_start - to_minutes(z.standard_minutes)
                   between dt.daylight_start_utc and dt.daylight_end_utc), 0)) as close_at
    from local_open o join zone z using (schedule_id)
)
"""

BUSINESS = f"""
{OPEN_HOURS},
first_reply as (
    select c.ticket_id, min(c.created) as first_reply_at
    from zendesk.ticket_comment c join zendesk."user" u on u.id = c.user_id
    where c.public and u.role in ('agent', 'admin')
      and c.id > (select min(id) from zendesk.ticket_comment d where d.ticket_id = c.ticket_id)
    group by c.ticket_id
),
clock as (
    select t.id, t.created_at, f.first_reply_at, ts.schedule_id,
           coalesce(f.first_reply_at, t._fivetran_synced) as clock_end
    from zendesk.ticket t join zendesk.ticket_schedule ts on ts.ticket_id = t.id
    left join first_reply f on f.ticket_id = t.id
),
business as (
    select c.id, sum(greatest(0, epoch(least(c.clock_end, o.close_at))
                                - epoch(greatest(c.created_at, o.open_at)))) as seconds
    from clock c join utc_open o on o.schedule_id = c.schedule_id
     and o.open_at < c.clock_end and o.close_at > c.created_at
    group by c.id
),
policy as (
    select ticket_id, cast(json_extract(value, '$.minutes') as integer) as target_minutes,
           cast(json_extract(value, '$.in_business_hours') as boolean) as in_business_hours
    from zendesk.ticket_field_history where field_name = 'first_reply_time'
)
select c.id, c.first_reply_at is not null as answered,
       coalesce(b.seconds, 0) as business_seconds,
       epoch(c.clock_end) - epoch(c.created_at) as calendar_seconds,
       p.target_minutes, p.in_business_hours
from clock c left join business b on b.id = c.id left join policy p on p.ticket_id = c.id
order by c.id
"""


def test_business_first_reply_and_sla_agree_with_native_tickets(dataset):
    native, con = dataset
    sql = con.execute(BUSINESS).df().set_index("id")
    truth = native.set_index(native["ticket_id"] + TICKET_ID_OFFSET).loc[sql.index]
    answered = sql["answered"].to_numpy(dtype=bool)
    expected = truth["frt_business_minutes"].to_numpy() * 60.0
    got = sql["business_seconds"].to_numpy(dtype=float)
    assert np.array_equal(answered, ~np.isnan(expected))
    assert np.all(np.abs(got[answered] - expected[answered]) <= 1.0)
    # the first-reply SLA: elapsed in business or calendar time by the policy, to the
    # reply or, unanswered, to the horizon; breached when it reaches the target
    business = sql["in_business_hours"].to_numpy(dtype=bool)
    elapsed = np.where(business, got, sql["calendar_seconds"].to_numpy(dtype=float))
    native_elapsed = truth["sla_first_response_elapsed_minutes"].to_numpy() * 60.0
    assert np.all(np.abs(elapsed - native_elapsed) <= 1.0)
    target = sql["target_minutes"].to_numpy(dtype=float) * 60.0
    clear = np.abs(elapsed - target) > 1.0
    breached = elapsed >= target
    assert (breached == truth["sla_first_response_breached"].to_numpy())[clear].all()
    assert breached.any() and (~breached).any()
    overnight = sql["calendar_seconds"].to_numpy(dtype=float) - got >= 14 * 3600
    assert (overnight & answered).any()  # spans over closed hours count only open time


# The resolution SLA (requester_wait_time): Zendesk's requester wait time, time new, open
# or on hold up to the last solve (or the horizon while unsolved or reopened), so paused
# while pending and while solved before a reopen, in business or calendar time by the policy.
RESOLUTION = f"""
{OPEN_HOURS},
statuses as (
    select ticket_id, value, updated as spell_start,
           coalesce(lead(updated) over (partition by ticket_id order by updated),
                    (select max(_fivetran_synced) from zendesk.ticket)) as spell_end
    from zendesk.ticket_field_history where field_name = 'status'
),
clock as (
    select t.id, ts.schedule_id, t.created_at,
           case when arg_max(s.value, s.spell_start) in ('solved', 'closed')
                then max(s.spell_start) filter (where s.value = 'solved')
                else max(t._fivetran_synced) end as clock_end
    from zendesk.ticket t join zendesk.ticket_schedule ts on ts.ticket_id = t.id
    join statuses s on s.ticket_id = t.id
    group by t.id, ts.schedule_id, t.created_at
),
running as (
    select c.id, c.schedule_id, s.value, s.spell_start, least(s.spell_end, c.clock_end) as spell_end
    from clock c join statuses s on s.ticket_id = c.id
    where s.value <> 'pending' and s.spell_start < c.clock_end
),
totals as (
    select r.id, r.value in ('new', 'open', 'hold') as waiting,
           sum(epoch(r.spell_end) - epoch(r.spell_start)) as calendar_seconds,
           count(*) as spells
    from running r group by r.id, waiting
),
business as (
    select r.id, r.value in ('new', 'open', 'hold') as waiting,
           sum(greatest(0, epoch(least(r.spell_end, o.close_at))
                           - epoch(greatest(r.spell_start, o.open_at)))) as business_seconds
    from running r join utc_open o on o.schedule_id = r.schedule_id
     and o.open_at < r.spell_end and o.close_at > r.spell_start
    group by r.id, waiting
),
policy as (
    select ticket_id, cast(json_extract(value, '$.minutes') as integer) as target_minutes,
           cast(json_extract(value, '$.in_business_hours') as boolean) as in_business_hours
    from zendesk.ticket_field_history where field_name = 'requester_wait_time'
)
select t.id, t.waiting, t.calendar_seconds, coalesce(b.business_seconds, 0) as business_seconds,
       t.spells, p.target_minutes, p.in_business_hours
from totals t left join business b on b.id = t.id and b.waiting = t.waiting
left join policy p on p.ticket_id = t.id
order by t.id, t.waiting
"""


# The agent work time SLA: the same clock counting only new and open (hold paused too).
AGENT_WORK = RESOLUTION.replace("('new', 'open', 'hold')", "('new', 'open')").replace(
    "'requester_wait_time'", "'agent_work_time'")


@pytest.mark.parametrize(("sql", "column"), [("resolution", "resolution"),
                                             ("agent_work", "agent_work")])
def test_clock_slas_agree_with_native_tickets(dataset, sql, column):
    native, con = dataset
    rows = con.execute({"resolution": RESOLUTION, "agent_work": AGENT_WORK}[sql]).df()
    rows = rows[rows["waiting"].to_numpy(dtype=bool)]
    # a ticket whose policy sets no such target has no row to say how to count: skipped
    business = rows["in_business_hours"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rows["elapsed"] = np.where(business, rows["business_seconds"], rows["calendar_seconds"])
    zendesk = rows.groupby("id").agg(elapsed=("elapsed", "sum"), spells=("spells", "sum"),
                                     target=("target_minutes", "first"))
    truth = native.set_index(native["ticket_id"] + TICKET_ID_OFFSET).loc[zendesk.index]
    assert len(zendesk) == len(native)
    target = zendesk["target"].to_numpy(dtype=float)
    expected = truth[f"sla_{column}_elapsed_minutes"].to_numpy() * 60.0
    tolerance = zendesk["spells"].to_numpy(dtype=float) + 1.0  # flooring, per spell
    diff = np.abs(zendesk["elapsed"].to_numpy() - expected)
    assert np.all(diff[~np.isnan(target)] <= tolerance[~np.isnan(target)])
    native_target = truth[f"sla_{column}_target_minutes"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(target), np.isnan(native_target))
    assert np.array_equal(target[~np.isnan(target)], native_target[~np.isnan(native_target)])
    elapsed = zendesk["elapsed"].to_numpy()
    clear = np.abs(elapsed - target * 60.0) > tolerance
    breached = elapsed >= target * 60.0
    assert (breached == truth[f"sla_{column}_breached"].to_numpy())[clear].all()
    assert breached.any() and (~np.isnan(target)).any() and np.isnan(target).any() == (
        column == "agent_work")
    assert (truth["on_hold_seconds"].to_numpy()[~np.isnan(target)] > 0).any()  # holds count


# --------------------------------------------------------------------------- hand-built cases
# The SQL definitions above on tickets written by hand, schedule Monday to Friday
# 09:00-17:00 America/New_York, daylight saving 2026-03-08 07:00 to 2026-11-01 06:00 UTC,
# Martin Luther King Jr. Day (Monday 2026-01-19) a holiday. Times below are UTC.
HAND_TICKETS = {  # id: (created_at, comments [(created, user, public)], expected)
    1: ("2026-01-06 21:30:00", [("2026-01-07 14:15:00", 10, True)],  # overnight
        {"calendar": 60300, "business": 2700}),
    2: ("2026-01-09 21:00:00", [("2026-01-10 15:00:00", 11, True)],  # reply on a Saturday
        {"calendar": 64800, "business": 3600}),
    3: ("2026-01-16 21:50:00", [("2026-01-20 14:05:00", 10, True)],  # weekend and holiday
        {"calendar": 317700, "business": 900}),
    4: ("2026-03-06 21:00:00", [("2026-03-09 14:00:00", 10, True)],  # over the DST change
        {"calendar": 234000, "business": 7200}),
    5: ("2026-01-06 15:00:00", [("2026-01-06 15:05:00", 10, False),  # private note
                                ("2026-01-06 15:10:00", 20, True),  # end-user comment
                                ("2026-01-06 15:20:30", 10, True),  # to the second
                                ("2026-01-06 16:10:00", 10, True)],
        {"calendar": 1230, "business": 1230}),
    6: ("2026-01-06 17:00:00", [], {"calendar": None, "business": None}),  # unanswered
    7: ("2026-01-07 15:00:00", [("2026-01-07 15:30:00", 10, True)],  # opened by an agent
        {"calendar": 1800, "business": 1800}),
}
HAND_STATUS = [(5, "new", "2026-01-06 15:00:00"), (5, "open", "2026-01-06 15:05:00"),
               (5, "solved", "2026-01-06 15:21:00"), (5, "open", "2026-01-06 16:00:00"),
               (5, "solved", "2026-01-06 16:30:00"),
               (7, "new", "2026-01-07 15:00:00"), (7, "open", "2026-01-07 15:10:00"),
               (7, "hold", "2026-01-07 15:20:00"), (7, "open", "2026-01-07 16:00:00"),
               (7, "solved", "2026-01-07 16:30:00")]


@pytest.fixture()
def hand_built():
    con = duckdb.connect()
    con.execute("create schema zendesk")
    con.execute("create table zendesk.\"user\" (id bigint, role varchar)")
    con.execute("insert into zendesk.\"user\" values (10, 'agent'), (11, 'admin'), (20, 'end-user')")
    con.execute("create table zendesk.ticket (id bigint, created_at timestamp, status varchar, "
                "_fivetran_synced timestamp)")
    con.execute("create table zendesk.ticket_comment (id bigint, ticket_id bigint, user_id bigint, "
                "created timestamp, public boolean)")
    con.execute("create table zendesk.ticket_field_history (ticket_id bigint, field_name varchar, "
                "value varchar, updated timestamp)")
    con.execute("create table zendesk.ticket_schedule (ticket_id bigint, schedule_id bigint)")
    comment_id = 0
    for ticket, (created, comments, _) in HAND_TICKETS.items():
        con.execute("insert into zendesk.ticket values (?, ?, 'open', '2026-03-10 00:00:00')",
                    [ticket, created])
        con.execute("insert into zendesk.ticket_schedule values (?, 1)", [ticket])
        first_author = 10 if ticket == 7 else 20
        for when, user, public in [(created, first_author, True), *comments]:
            comment_id += 1
            con.execute("insert into zendesk.ticket_comment values (?, ?, ?, ?, ?)",
                        [comment_id, ticket, user, when, public])
    for ticket, value, when in HAND_STATUS:
        con.execute("insert into zendesk.ticket_field_history values (?, 'status', ?, ?)",
                    [ticket, value, when])
    con.execute("create table zendesk.schedule (id bigint, start_time bigint, end_time bigint, "
                "time_zone varchar)")
    for day in range(1, 6):
        con.execute("insert into zendesk.schedule values (1, ?, ?, 'America/New_York')",
                    [1440 * day + 540, 1440 * day + 1020])
    con.execute("create table zendesk.time_zone as select 'America/New_York' as time_zone, "
                "'-05:00' as standard_offset")
    con.execute("create table zendesk.daylight_time as select 'America/New_York' as time_zone, "
                "2026 as year, timestamp '2026-03-08 07:00:00' as daylight_start_utc, "
                "timestamp '2026-11-01 06:00:00' as daylight_end_utc, 1 as daylight_offset")
    con.execute("create table zendesk.schedule_holiday as select 1 as schedule_id, "
                "date '2026-01-19' as start_date, date '2026-01-19' as end_date, "
                "'Martin Luther King Jr. Day' as name")
    yield con
    con.close()


def test_hand_built_first_reply(hand_built):
    calendar = hand_built.execute(GROUND_TRUTH).df().set_index("id")
    business = hand_built.execute(BUSINESS).df().set_index("id")
    for ticket, (_, _, expected) in HAND_TICKETS.items():
        if expected["calendar"] is None:
            assert np.isnan(calendar.loc[ticket, "first_reply_seconds"])
            assert not business.loc[ticket, "answered"]
            continue
        assert calendar.loc[ticket, "first_reply_seconds"] == expected["calendar"], ticket
        assert business.loc[ticket, "business_seconds"] == expected["business"], ticket


def test_hand_built_replies_reopens_resolution(hand_built):
    rows = hand_built.execute(GROUND_TRUTH).df().set_index("id")
    assert rows.loc[5, "replies"] == 2  # the private note and the end-user comment do not count
    assert rows.loc[2, "replies"] == 1  # an admin's public comment is a reply
    assert rows.loc[7, "replies"] == 2  # the agent's opening comment counts, but not as first reply
    assert rows.loc[6, "replies"] == 0
    assert rows.loc[5, "reopens"] == 1 and rows.loc[5, "last_status"] == "solved"
    assert rows.loc[5, "first_resolution_seconds"] == 21 * 60
    assert rows.loc[5, "full_resolution_seconds"] == 90 * 60


def test_hand_built_reopened_requester_wait_time(hand_built):
    # Ticket 5 (Tuesday 10:00-11:30 New York, all in business hours): new 15:00, open
    # 15:05, solved 15:21, reopened 16:00, solved 16:30 UTC. Requester wait time: 21 min
    # to the first solve + 30 min after the reopen = 51 min; the 39 min solved do not count.
    policy = json.dumps({"minutes": 50, "in_business_hours": True})
    hand_built.execute("insert into zendesk.ticket_field_history values "
                       "(5, 'requester_wait_time', ?, '2026-01-06 15:00:00')", [policy])
    rows = hand_built.execute(RESOLUTION).df()
    waiting = rows[(rows["id"] == 5) & rows["waiting"]].iloc[0]
    assert waiting["calendar_seconds"] == 51 * 60 and waiting["business_seconds"] == 51 * 60
    assert waiting["target_minutes"] == 50  # 51 >= 50: breached, by one minute


def test_hand_built_agent_work_time_leaves_out_hold(hand_built):
    # Ticket 7 (Wednesday 10:00-11:30 New York): new 15:00, open 15:10, on hold 15:20 to
    # 16:00, open again, solved 16:30 UTC. Agent work time (new, open): 10 + 10 + 30 = 50
    # min; requester wait time also counts the 40 min on hold: 90 min.
    for field in ("agent_work_time", "requester_wait_time"):
        policy = json.dumps({"minutes": 60, "in_business_hours": True})
        hand_built.execute("insert into zendesk.ticket_field_history values "
                           "(7, ?, ?, '2026-01-07 15:00:00')", [field, policy])
    for sql, minutes in ((AGENT_WORK, 50), (RESOLUTION, 90)):
        rows = hand_built.execute(sql).df()
        counted = rows[(rows["id"] == 7) & rows["waiting"]].iloc[0]
        assert counted["calendar_seconds"] == minutes * 60
        assert counted["business_seconds"] == minutes * 60


# The next-reply SLA: every end-user comment after the description waits for the next
# public agent comment (or the horizon); breached when any wait exceeds the target.
NEXT_REPLY = f"""
{OPEN_HOURS},
comments as (
    select c.*, u.role in ('agent', 'admin') as by_agent,
           min(c.id) over (partition by c.ticket_id) as first_comment_id
    from zendesk.ticket_comment c join zendesk."user" u on u.id = c.user_id
),
asks as (
    select a.ticket_id, a.id, a.created as asked_at,
           coalesce((select min(r.created) from comments r where r.ticket_id = a.ticket_id
                     and r.public and r.by_agent and r.id > a.id),
                    (select max(_fivetran_synced) from zendesk.ticket)) as answered_at
    from comments a where a.public and not a.by_agent and a.id > a.first_comment_id
),
waits as (
    select a.ticket_id, a.id, ts.schedule_id, a.asked_at, a.answered_at,
           epoch(a.answered_at) - epoch(a.asked_at) as calendar_seconds
    from asks a join zendesk.ticket_schedule ts on ts.ticket_id = a.ticket_id
),
business as (
    select w.id, sum(greatest(0, epoch(least(w.answered_at, o.close_at))
                                - epoch(greatest(w.asked_at, o.open_at)))) as business_seconds
    from waits w join utc_open o on o.schedule_id = w.schedule_id
     and o.open_at < w.answered_at and o.close_at > w.asked_at
    group by w.id
),
policy as (
    select ticket_id, cast(json_extract(value, '$.minutes') as integer) as target_minutes,
           cast(json_extract(value, '$.in_business_hours') as boolean) as in_business_hours
    from zendesk.ticket_field_history where field_name = 'next_reply_time'
)
select w.ticket_id as id,
       max(case when p.in_business_hours then coalesce(b.business_seconds, 0)
                else w.calendar_seconds end - p.target_minutes * 60) as worst_margin
from waits w left join business b on b.id = w.id join policy p on p.ticket_id = w.ticket_id
group by w.ticket_id
"""


def test_next_reply_sla_agrees_with_native_tickets(dataset):
    native, con = dataset
    rows = con.execute(NEXT_REPLY).df().set_index("id")
    truth = native.set_index(native["ticket_id"] + TICKET_ID_OFFSET)
    breached = pd.Series(False, index=truth.index)
    breached.loc[rows.index] = rows["worst_margin"].to_numpy() > 0
    clear = pd.Series(True, index=truth.index)
    clear.loc[rows.index] = np.abs(rows["worst_margin"].to_numpy()) > 1.0
    assert (breached == truth["sla_next_reply_breached"])[clear].all()
    assert len(rows) > 10 and breached.any()
