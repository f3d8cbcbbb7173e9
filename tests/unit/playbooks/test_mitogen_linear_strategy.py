# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/strategy_plugins/mitogen_linear.py: the collections are listed once per run, not per task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os

import pytest

ansible_mitogen_planner = pytest.importorskip("ansible_mitogen.planner")
import ansible.collections.list  # noqa: E402

PLUGIN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "playbooks", "strategy_plugins",
                      "mitogen_linear.py")


class _Invocation(object):
    def __init__(self):
        self._extra_sys_paths = set()


LISTED = [b"/site/ansible_collections/amazon/aws", b"/site/ansible_collections/community/aws"]


@pytest.fixture
def listing(monkeypatch):
    """Ansible's listing of the installed collections, counted (the real one reads the ansible package's)."""
    calls = []

    def list_collection_dirs(*args, **kwargs):
        calls.append(args)
        return iter(LISTED)

    monkeypatch.setattr(ansible.collections.list, "list_collection_dirs", list_collection_dirs)
    return calls


@pytest.fixture
def collection_paths(monkeypatch):
    """The collection paths Ansible's collection finder was set up with (the CLI installs it; pytest does not)."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig

    paths = ["/site"]
    monkeypatch.setattr(type(AnsibleCollectionConfig), "collection_paths", property(lambda cls: list(paths)))
    return paths


@pytest.fixture
def strategy(monkeypatch, listing, collection_paths):
    spec = importlib.util.spec_from_file_location("mithran_test_mitogen_linear", PLUGIN)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    # Undone after the test: the planner of this interpreter is left as it was.
    monkeypatch.setattr(ansible_mitogen_planner, "_load_collections", ansible_mitogen_planner._load_collections)
    return plugin


def test_the_planner_gets_the_same_directories_as_mitogen_lists(strategy):
    stock = _Invocation()
    ansible_mitogen_planner._load_collections(stock)
    assert stock._extra_sys_paths == {p.decode() for p in LISTED}

    strategy._share_collection_dirs()
    shared = _Invocation()
    ansible_mitogen_planner._load_collections(shared)

    assert ansible_mitogen_planner._load_collections is strategy._load_collections
    assert shared._extra_sys_paths == stock._extra_sys_paths


def test_the_collections_are_listed_once_for_many_tasks(strategy, listing):
    strategy._share_collection_dirs()  # in the controller, before the workers fork
    for dummy in range(20):  # one module call per task
        ansible_mitogen_planner._load_collections(_Invocation())

    assert len(listing) == 1


def test_other_collection_paths_are_listed_again(strategy, monkeypatch, collection_paths):
    strategy._share_collection_dirs()
    monkeypatch.setattr(ansible.collections.list, "list_collection_dirs", lambda: iter([b"/elsewhere/ns/coll"]))
    collection_paths[:] = ["/elsewhere"]
    other = _Invocation()
    ansible_mitogen_planner._load_collections(other)

    assert other._extra_sys_paths == {"/elsewhere/ns/coll"}
