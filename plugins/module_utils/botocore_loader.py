# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One botocore data loader and one set of built-in event handlers per Python process.

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

Each botocore Session also registers botocore's ~200 built-in event handlers one by one, each event name
going through the EventAliaser: 0.04 CPU s per Session, a tenth of the CPU of a whole no-change deploy once
the models were shared (py-spy, docs/benchmarks.md), and every amazon.aws module call makes a new Session.
share_builtin_handlers() registers them the normal way for the first Session of the process and gives each
later Session a copy of that handler table (botocore's own _PrefixTrie copy, as it does for every client):
the same handlers, in the same order, and the Sessions stay independent (a handler registered on one is
not seen by another). A Session made with its own event hooks, or after botocore's list changed, takes
botocore's path.

aws_retry (imported by every module of this collection that makes a client) calls both once on import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading

try:
    import botocore.handlers
    import botocore.hooks
    import botocore.loaders
    import botocore.session
except ImportError:  # AnsibleAWSModule reports missing botocore itself
    botocore = None

_LOCK = threading.Lock()
_LOADERS = {}
# (id and length of botocore.handlers.BUILTIN_HANDLERS) -> the handler table the first Session built
_HANDLER_TABLES = {}
# botocore's own registration, which the first Session of the process runs
_REGISTER_BUILTIN = botocore.session.Session._register_builtin_handlers if botocore else None


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


def _fresh_emitter(session, events):
    """The session's own, still empty HierarchicalEmitter, when events is the aliaser botocore made for it."""
    emitter = getattr(session, "_original_handler", None)
    # exactly botocore's class: a subclass may store its handlers differently
    if events is not getattr(session, "_events", None) or emitter.__class__ is not botocore.hooks.HierarchicalEmitter:
        return None
    root = getattr(emitter._handlers, "_root", None)
    if emitter._unique_id_handlers or not isinstance(root, dict) or root.get("children") or root.get("values"):
        return None
    return emitter


def _copy_builtin_handlers(self, events):
    """botocore.session.Session._register_builtin_handlers from a table built once per process."""
    emitter = _fresh_emitter(self, events)
    if emitter is None:
        return _REGISTER_BUILTIN(self, events)
    key = (id(botocore.handlers.BUILTIN_HANDLERS), len(botocore.handlers.BUILTIN_HANDLERS))
    table = _HANDLER_TABLES.get(key)
    if table is None:
        _REGISTER_BUILTIN(self, events)
        with _LOCK:
            # a copy: later registrations on this Session do not reach the table
            _HANDLER_TABLES.setdefault(key, copy.copy(emitter._handlers))
        return None
    emitter._handlers = copy.copy(table)
    emitter._lookup_cache = {}
    return None


def share_builtin_handlers():
    """Make every later botocore Session of this process copy the built-in handlers registered by the first
    one (idempotent). Returns True when the copy is in place."""
    if botocore is None:
        return False
    if getattr(botocore.session.Session._register_builtin_handlers, "__name__", "") != _copy_builtin_handlers.__name__:
        botocore.session.Session._register_builtin_handlers = _copy_builtin_handlers
    return True
