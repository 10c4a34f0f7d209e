"""Names, e-mails, companies, subjects and tags for exported tickets.

Faker is called once per customer of the simulator's customer pool and once
per agent of the roster, never per ticket, so the cost is O(pool size) and the
same customer keeps the same name, e-mail and company in every ticket (repeat
contacts can be studied). Tickets get their requester and assignee through a
vectorised lookup on the ``customer`` and ``assignee`` columns.

Assumptions:

- About four customers per company (``CUSTOMERS_PER_COMPANY``), assigned
  uniformly; customers of one company share its e-mail domain.
- Subjects and tags come from a small table of templates per category of
  ``scenarios/baseline.yaml``; any other category gets a generic subject made
  from its name and the tag ``<category>``.
- Every choice comes from the ``enrichment`` random stream (streams.py), keyed
  by what it is for, and a ticket's subject is drawn by ticket id, so a
  ticket keeps its subject whatever else the run holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker import Faker

from simulator.agents import RosterAgent
from simulator.config import ScenarioConfig
from simulator.streams import StreamRegistry

CUSTOMERS_PER_COMPANY = 4
SUPPORT_DOMAIN = "support.example.com"
# Keys of the ``enrichment`` stream.
CUSTOMER_KEY, COMPANY_KEY, AGENT_KEY, SUBJECT_KEY, COMMENT_KEY = 1, 2, 3, 4, 5

SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "login_access": (
        ("Can't log in to my account", "login password"),
        ("Password reset email never arrives", "login password_reset"),
        ("Locked out after too many attempts", "login lockout"),
        ("Two-factor code not accepted", "login 2fa"),
    ),
    "api_errors": (
        ("API returns 500 on /orders", "api error_500"),
        ("Getting 401 Unauthorized with a valid key", "api authentication"),
        ("Rate limit hit far below our quota", "api rate_limit"),
        ("Webhook payloads missing fields", "api webhooks"),
    ),
    "billing_account": (
        ("Charged twice this month", "billing double_charge"),
        ("Need a copy of my invoice", "billing invoice"),
        ("How do I change my plan?", "billing plan_change"),
        ("Refund request", "billing refund"),
    ),
    "how_to_feature": (
        ("How do I export my data to CSV?", "how_to export"),
        ("Where can I set up user roles?", "how_to permissions"),
        ("Is there a way to schedule reports?", "how_to reports"),
        ("Feature request: dark mode", "feature_request"),
    ),
    "performance": (
        ("Dashboard very slow to load", "performance slow"),
        ("Timeouts during peak hours", "performance timeout"),
        ("Search takes minutes to return", "performance search"),
    ),
    "data_issues": (
        ("Records missing after import", "data import"),
        ("Duplicate entries in our reports", "data duplicates"),
        ("Numbers don't match between views", "data mismatch"),
    ),
    "integrations": (
        ("Salesforce sync stopped working", "integration salesforce"),
        ("Slack notifications not arriving", "integration slack"),
        ("Zapier connection keeps failing", "integration zapier"),
    ),
    "mobile_app": (
        ("App crashes on startup (iOS)", "mobile ios crash"),
        ("Push notifications not working on Android", "mobile android notifications"),
        ("Can't upload photos from the app", "mobile upload"),
    ),
    "enterprise_sso": (
        ("SAML login fails for new users", "sso saml"),
        ("Okta provisioning not creating accounts", "sso okta provisioning"),
        ("SSO redirect loop", "sso redirect"),
    ),
    "security": (
        ("Suspicious login from unknown location", "security suspicious_login"),
        ("Request for our SOC 2 report", "security compliance"),
        ("Possible phishing email using your name", "security phishing"),
    ),
    "other": (
        ("General question", "general"),
        ("Feedback on your service", "feedback"),
    ),
}

COMMENTS = {
    "good": ("Quick and helpful, thank you!", "Solved my problem on the first try.",
             "Great support.", "Friendly and clear answer."),
    "bad": ("Took far too long to get an answer.", "Problem still not fixed.",
            "I had to explain the issue several times.", "Not helpful."),
}


@dataclass(frozen=True)
class Directory:
    """People behind the ids: one row per customer, company and agent."""

    customers: pd.DataFrame  # customer, requester_name, requester_email, company_id, company
    companies: pd.DataFrame  # company_id, company, domain
    agents: pd.DataFrame  # agent_id, assignee (roster name), assignee_name, assignee_email, group


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def _faker(locale: str, seed: int, key: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(int(StreamRegistry(seed).generator("enrichment", key).integers(2**32)))
    return fake


def _people(fake: Faker, count: int, prefix: str, domains: list[str]) -> tuple[list[str], list[str]]:
    names, emails, taken = [], [], set()
    for index in range(count):
        first, last = fake.first_name(), fake.last_name()
        names.append(f"{first} {last}")
        local = ".".join(p for p in (_ascii(first), _ascii(last)) if p) or f"{prefix}{index}"
        email = f"{local}@{domains[index]}"
        if email in taken:
            email = f"{local}{index}@{domains[index]}"
        taken.add(email)
        emails.append(email)
    return names, emails


def build_directory(config: ScenarioConfig, roster: tuple[RosterAgent, ...], seed: int) -> Directory:
    """Faker names for the customer pool, its companies and the agents."""
    locale = config.customers.locale
    pool = config.customers.pool_size
    registry = StreamRegistry(seed)
    n_companies = max(1, -(-pool // CUSTOMERS_PER_COMPANY))
    company_fake = _faker(locale, seed, COMPANY_KEY)
    companies, domains, used, names_used = [], [], set(), set()
    for index in range(n_companies):
        name = company_fake.company()
        for _ in range(5):  # company names are unique, so a name means one company
            if name not in names_used:
                break
            name = company_fake.company()
        if name in names_used:
            name = f"{name} {index}"
        names_used.add(name)
        slug = "-".join(w for w in (_ascii(part) for part in re.split(r"[\s,]+", name)[:2]) if w)
        domain = f"{slug or 'company'}.com"
        if domain in used:
            domain = f"{slug or 'company'}{index}.com"
        used.add(domain)
        companies.append(name)
        domains.append(domain)
    company_of = registry.generator("enrichment", COMPANY_KEY).integers(n_companies, size=pool)
    names, emails = _people(_faker(locale, seed, CUSTOMER_KEY), pool, "customer",
                            [domains[c] for c in company_of])
    agent_names, agent_emails = _people(_faker(locale, seed, AGENT_KEY), len(roster), "agent",
                                        [SUPPORT_DOMAIN] * len(roster))
    return Directory(
        customers=pd.DataFrame({"customer": np.arange(pool), "requester_name": names,
                                "requester_email": emails, "company_id": company_of,
                                "company": np.array(companies, dtype=object)[company_of]}),
        companies=pd.DataFrame({"company_id": np.arange(n_companies), "company": companies,
                                "domain": domains}),
        agents=pd.DataFrame({"agent_id": [a.id for a in roster],
                             "assignee": [a.name for a in roster], "assignee_name": agent_names,
                             "assignee_email": agent_emails, "group": [a.group for a in roster],
                             "tier": [a.tier for a in roster]}),
    )


def _subject_table(categories: list[str]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    subjects, tags = [], []
    for category in categories:
        rows = SUBJECTS.get(category) or (
            (f"Question about {category.replace('_', ' ')}", re.sub(r"\W+", "_", category)),)
        subjects.append(np.array([r[0] for r in rows], dtype=object))
        tags.append(np.array([r[1] for r in rows], dtype=object))
    return subjects, tags


def subjects_and_tags(tickets: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A subject and space-separated tags per ticket, by category, drawn by ticket id."""
    ids = tickets["ticket_id"].to_numpy()
    size = int(ids.max()) + 1 if len(ids) else 0
    uniform = StreamRegistry(seed).generator("enrichment", SUBJECT_KEY).random(size)[ids]
    category = tickets["category"].astype(str).to_numpy()
    subject = np.empty(len(ids), dtype=object)
    tag = np.empty(len(ids), dtype=object)
    names = sorted(set(category))
    table_subjects, table_tags = _subject_table(names)
    for name, options, option_tags in zip(names, table_subjects, table_tags, strict=True):
        rows = category == name
        pick = np.minimum((uniform[rows] * len(options)).astype(int), len(options) - 1)
        subject[rows] = options[pick]
        tag[rows] = option_tags[pick]
    return subject, tag


def satisfaction_comments(ticket_ids: np.ndarray, good: np.ndarray, seed: int) -> np.ndarray:
    """A short comment for a rated ticket (about half leave one), by ticket id."""
    size = int(ticket_ids.max()) + 1 if len(ticket_ids) else 0
    uniform = StreamRegistry(seed).generator("enrichment", COMMENT_KEY).random((size, 2))[ticket_ids]
    comments = np.full(len(ticket_ids), "", dtype=object)
    for label, mask in (("good", good), ("bad", ~good)):
        options = np.array(COMMENTS[label], dtype=object)
        pick = np.minimum((uniform[:, 1] * len(options)).astype(int), len(options) - 1)
        leaves = mask & (uniform[:, 0] < 0.5)
        comments[leaves] = options[pick[leaves]]
    return comments


ENRICHMENT_COLUMNS = ("requester_name", "requester_email", "company", "subject", "tags",
                      "assignee_name")


def enrich_tickets(tickets: pd.DataFrame, directory: Directory, seed: int) -> pd.DataFrame:
    """The tickets table with requester, company, subject, tags and assignee name added."""
    out = tickets.copy(deep=False)  # columns are added, never changed in place
    customers = directory.customers
    position = tickets["customer"].to_numpy()
    out["requester_name"] = customers["requester_name"].to_numpy()[position]
    out["requester_email"] = customers["requester_email"].to_numpy()[position]
    out["company"] = customers["company"].to_numpy()[position]
    out["subject"], out["tags"] = subjects_and_tags(tickets, seed)
    lookup = dict(zip(directory.agents["assignee"], directory.agents["assignee_name"], strict=True))
    names = pd.Series(tickets["assignee"].astype(str).to_numpy()).map(lookup).fillna("")
    out["assignee_name"] = names.to_numpy(dtype=object)
    return out
