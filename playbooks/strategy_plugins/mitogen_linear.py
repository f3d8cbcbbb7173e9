# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's linear strategy on Mitogen's persistent interpreters (ansible.cfg: strategy = mitogen_linear).

Mitogen (requirements-dev.txt) keeps one Python interpreter per target and runs modules inside it, so a
module call no longer forks a new Python that imports boto3 again (docs/benchmarks.md measures ~3x less
CPU per AWS module call). Without mitogen installed this falls back to the plain linear strategy with a
warning, so a controller that lacks it still deploys. ANSIBLE_STRATEGY=linear turns it off for one run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: mitogen_linear
short_description: the linear strategy on Mitogen when it is installed, else Ansible's linear strategy
description:
  - Task execution is the same as the linear strategy; Mitogen only changes how modules reach the target.
"""

import ansible.collections.list
from ansible.plugins.strategy.linear import StrategyModule as _LinearStrategy
from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # noqa: F401 (checks the Ansible version Mitogen supports)
    import ansible_mitogen.strategy
except ImportError as e:  # mitogen not installed
    _MISSING = str(e)
else:
    _MISSING = None

_warned = []
_collection_dirs = {}


def _collection_dirs_listed():
    """The installed collections' directories, listed once per set of collection paths Ansible uses."""
    key = tuple(AnsibleCollectionConfig.collection_paths or ())
    if key not in _collection_dirs:
        _collection_dirs[key] = [p.decode("utf-8") for p in ansible.collections.list.list_collection_dirs()]
    return _collection_dirs[key]


def _load_collections(invocation):
    """ansible_mitogen.planner._load_collections, from the list made in the controller's process."""
    invocation._extra_sys_paths.update(_collection_dirs_listed())


def _share_collection_dirs():
    """List the installed collections once per run, in the controller's process, for every task's worker.

    For every call of a collection module, Mitogen's planner (ansible_mitogen.planner._load_collections)
    lists the installed collections, reading the manifest of each of them (about 100 with the ansible
    package). It runs in the worker Ansible forks for each task, so no cache outlives the task: profiled on
    a no-change deploy, that listing was a third of the controller's CPU (docs/benchmarks.md). Listed here,
    before the workers fork, each worker inherits the list. The collections installed do not change during
    a run.
    """
    import ansible_mitogen.planner

    ansible_mitogen.planner._load_collections = _load_collections
    _collection_dirs_listed()


if _MISSING is None:
    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _LinearStrategy):
        def __init__(self, *args, **kwargs):
            super(StrategyModule, self).__init__(*args, **kwargs)
            _share_collection_dirs()
else:
    class StrategyModule(_LinearStrategy):
        def __init__(self, *args, **kwargs):
            if not _warned:
                Display().warning("mitogen is not installed (%s): using the linear strategy. "
                                  "pip install -r requirements-dev.txt for the faster one." % _MISSING)
                _warned.append(True)
            super(StrategyModule, self).__init__(*args, **kwargs)
