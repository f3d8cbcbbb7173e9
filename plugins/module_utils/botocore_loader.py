# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One botocore data loader per Python process, so a service model is parsed once per interpreter.

Every amazon.aws module opens a new boto3 Session, and every botocore Session makes a new Loader, which
reads and parses the service's JSON model, its endpoint rules and endpoints.json again: 0.06 to 0.2 CPU s
per client on this project's machines, most of what an AWS module call costs once Ansible no longer starts
a Python per call. botocore caches those files per Loader only (a second client of the same Session costs
0.015 s).

Under Mitogen (ansible.cfg's ``mitogen_linear`` strategy) all the module calls of a run share one
persistent interpreter, so share_data_loader() makes botocore.session use one Loader per data path for
the whole process: the first client of a service parses its model, later ones, of any module, reuse it.
It is what one Session with many clients does anyway; a different data path (AWS_DATA_PATH, the
session's data_path) gets its own Loader. A module run in its own process (the stock strategy) gains
nothing and loses nothing. docs/benchmarks.md has the figures.

aws_retry (imported by every module of this collection that makes a client) calls it once on import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

try:
    import botocore.loaders
    import botocore.session
except ImportError:  # AnsibleAWSModule reports missing botocore itself
    botocore = None

_LOCK = threading.Lock()
_LOADERS = {}


def _shared_create_loader(search_path_string=None):
    with _LOCK:
        loader = _LOADERS.get(search_path_string)
        if loader is None:
            loader = _LOADERS[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loader


def share_data_loader():
    """Make every later botocore Session of this process take its Loader from one cache (idempotent).
    Returns True when the shared loader is in place."""
    if botocore is None:
        return False
    if getattr(botocore.session.create_loader, "__name__", "") != _shared_create_loader.__name__:
        botocore.session.create_loader = _shared_create_loader
    return True
