"""QA reviews: the rubric, its validation, and the signal coaching exercises look for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.config import QA_CRITERIA, ConfigError
from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.qa import rushed_index, score_reviews

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios/baseline.yaml"


def _config(*overrides: str):
    return load_scenario(BASELINE, ("calendar.days=7", *overrides))


def test_score_reviews_hand_computed():
    # base 85, rush penalty 20, no noise. Calm (rushed 0): every criterion 85.
    # Fully rushed (1): 85 - 20 x sensitivity -> solution 65, communication 69,
    # process 59, efficiency 91, customer experience 65;
    # weighted 0.3 x 65 + 0.25 x 69 + 0.2 x 59 + 0.15 x 91 + 0.1 x 65 = 68.7.
    config = _config("qa.noise_sd=0", "qa.proficiency_sd=6")
    scores = score_reviews(config, np.zeros(2), np.array([0.0, 1.0]), np.zeros((2, 5)))
    assert [scores[c][0] for c in QA_CRITERIA] == [85.0] * 5
    assert scores["qa_score"][0] == pytest.approx(85.0)
    assert [scores[c][1] for c in QA_CRITERIA] == [65.0, 69.0, 59.0, 91.0, 65.0]
    assert scores["qa_score"][1] == pytest.approx(68.7)
    # A strong agent (z = 5: +30) is clipped at 100.
    strong = score_reviews(config, np.array([5.0]), np.array([0.0]), np.zeros((1, 5)))
    assert strong["qa_score"][0] == 100.0


def test_rushed_index_hand_computed():
    # Half the mean handle time (shortfall 0.5) at 95% occupancy (load (0.95 - 0.75) / 0.25
    # = 0.8): 0.5 x 0.5 + 0.5 x 0.8 = 0.65. Slower than the mean at low load: 0.
    rushed = rushed_index(np.array([50.0, 150.0]), np.array([100.0, 100.0]), np.array([0.95, 0.5]))
    assert rushed == pytest.approx([0.65, 0.0])


@pytest.mark.parametrize(("override", "message"), [
    (("qa.weights={solution_quality: 0.3, communication: 0.25, process_adherence: 0.2, "
      "efficiency: 0.2, customer_experience: 0.1}"),
     "qa.weights: QA weight shares must sum to 1, got 1.05"),
    ("qa.weights={solution_quality: 1.0}", "needs exactly the criteria"),
    ("qa.review_rate=1.5", "qa.review_rate"),
])
def test_qa_config_is_validated(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        _config(override)


def test_default_weights_sum_to_one():
    weights = _config().qa.weights
    assert set(weights) == set(QA_CRITERIA)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["solution_quality"] == 0.30 and weights["customer_experience"] == 0.10


@pytest.fixture(scope="module")
def reviewed():
    config = _config("qa.review_rate=1.0")
    result = simulate(config, 21)
    return config, result, build_datasets(config, result)


def test_every_solved_assigned_ticket_reviewed_at_rate_one(reviewed):
    datasets = reviewed[2]
    tickets = datasets.tickets
    candidates = tickets[tickets["solved_at"].notna() & (tickets["assignee"] != "")]
    reviews = datasets.qa_reviews
    assert len(reviews) == len(candidates)
    assert reviews["review_id"].tolist() == list(range(1, len(reviews) + 1))
    assert reviews["ticket_id"].is_unique


def test_scores_in_range_and_weighted(reviewed):
    config, _result, datasets = reviewed
    reviews = datasets.qa_reviews
    for column in (*QA_CRITERIA, "qa_score"):
        assert reviews[column].between(0.0, 100.0).all(), column
    assert reviews["rushed"].between(0.0, 1.0).all()
    weighted = sum(config.qa.weights[c] * reviews[c] for c in QA_CRITERIA)
    assert np.allclose(weighted, reviews["qa_score"], atol=0.01)


def test_rushed_handling_scores_lower(reviewed):
    datasets = reviewed[2]
    reviews = datasets.qa_reviews
    calm = reviews[reviews["rushed"] < 0.1]["qa_score"]
    rushed = reviews[reviews["rushed"] > 0.4]["qa_score"]
    assert len(calm) > 30 and len(rushed) > 30
    assert rushed.mean() < calm.mean() - 3.0
    # Process adherence suffers most; efficiency does not suffer.
    assert np.corrcoef(reviews["rushed"], reviews["process_adherence"])[0, 1] < -0.2
    assert np.corrcoef(reviews["rushed"], reviews["efficiency"])[0, 1] > 0.0


def test_agents_differ_in_proficiency(reviewed):
    datasets = reviewed[2]
    reviews = datasets.qa_reviews
    by_agent = reviews.groupby("agent")["qa_score"].agg(["mean", "size"])
    by_agent = by_agent[by_agent["size"] >= 20]
    assert len(by_agent) >= 5
    assert by_agent["mean"].max() - by_agent["mean"].min() > 4.0


def test_sample_rate_and_reproducibility():
    config = _config()
    result = simulate(config, 4)
    reviews = build_datasets(config, result).qa_reviews
    again = build_datasets(config, simulate(config, 4)).qa_reviews
    pd.testing.assert_frame_equal(reviews, again)
    tickets = build_datasets(config, result).tickets
    candidates = (tickets["solved_at"].notna() & (tickets["assignee"] != "")).sum()
    assert 0.03 < len(reviews) / candidates < 0.07      # review_rate 0.05
