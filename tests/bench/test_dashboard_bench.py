"""The browser benchmark's arithmetic and order (its browser runs are the benchmark itself)."""

from __future__ import annotations

from bench.dashboard import alternate, p95, ratio


def test_runs_alternate_a_b_a_b() -> None:
    calls: list[str] = []
    first, second = alternate(
        3, lambda i: calls.append(f"A{i}") or 1.0, lambda i: calls.append(f"B{i}") or 2.0
    )
    assert calls == ["A0", "B0", "A1", "B1", "A2", "B2"]
    assert first == [1.0] * 3 and second == [2.0] * 3


def test_ratio_is_of_medians_and_p95_is_a_high_order_statistic() -> None:
    assert ratio([3.0, 30.0, 3.0], [1.0, 2.0, 1.0]) == 3.0  # one outlier does not move it
    values = [float(v) for v in range(1, 101)]
    assert p95(values) == 95.0
    assert p95([0.5]) == 0.5
