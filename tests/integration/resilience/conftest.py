"""Resilience tests: a fault-injecting proxy in front of each test's emulator, interrupted deploys, and
check mode compared against the emulator's full state (docs/resilience.md).

The `resilience_full` tests (the whole stack, more interruption points) take a quarter of an hour and
more: deselected unless asked for with `-m resilience_full`."""

import pytest

from faultproxy import FaultProxy


def pytest_configure(config):
    config.addinivalue_line("markers", "resilience_full: whole-stack resilience tests, run only with -m resilience_full")


def pytest_collection_modifyitems(config, items):
    if "resilience_full" in (config.getoption("markexpr") or ""):
        return
    keep = [item for item in items if item.get_closest_marker("resilience_full") is None]
    dropped = [item for item in items if item.get_closest_marker("resilience_full") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def fault_proxy(emulator):
    """fault_proxy(rate, seed, mix=...) -> a started FaultProxy in front of this test's emulator."""
    started = []

    def start(rate=0.2, seed=0, **kwargs):
        proxy = FaultProxy(emulator.url, rate=rate, seed=seed, **kwargs).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
