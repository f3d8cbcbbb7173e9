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

from ansible.plugins.strategy.linear import StrategyModule as _LinearStrategy
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # noqa: F401 (checks the Ansible version Mitogen supports)
    import ansible_mitogen.strategy
except ImportError as e:  # mitogen not installed
    _MISSING = str(e)
else:
    _MISSING = None

_warned = []

if _MISSING is None:
    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _LinearStrategy):
        pass
else:
    class StrategyModule(_LinearStrategy):
        def __init__(self, *args, **kwargs):
            if not _warned:
                Display().warning("mitogen is not installed (%s): using the linear strategy. "
                                  "pip install -r requirements-dev.txt for the faster one." % _MISSING)
                _warned.append(True)
            super(StrategyModule, self).__init__(*args, **kwargs)
