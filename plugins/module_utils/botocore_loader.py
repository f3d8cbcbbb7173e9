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

Each module call also builds its boto3 client anew: botocore makes a new client class with one method per
operation (~600 for EC2) and resolves its endpoint and credentials, 0.02-0.05 CPU s a client and half of the
CPU that Mitogen's interpreter spends in a no-change deploy once the above were shared (py-spy,
docs/benchmarks.md). share_clients() makes boto3.session.Session.client return the client an earlier call
of this process built from the same inputs, as any long-lived boto3 program keeps its clients (boto3's
low-level clients are thread-safe): the same service, region, endpoint, API version, TLS settings,
explicit credentials and botocore Config options, the same profile and session variables, and the same
AWS_* environment variables (Ansible's ``environment:`` sets credentials, region, endpoint and retry
settings there, so a task with other ones gets another client). A Session with event handlers of its own
(``register(..., unique_id=...)``, placebo recordings, a Session built from a caller's botocore session)
gets a client of its own, as before. What a cached client keeps between calls is what botocore keeps per
client: its connection pool, the retry quota and the adaptive rate limiter of its retry mode (shared by
the calls of one run, as AWS means them to be), refreshable credentials. A change to ~/.aws/config or the
credentials file made in the middle of a run reaches the clients of the next run. At most 64 clients are
kept (least recently used first out); clear_clients() forgets them all.

aws_retry (imported by every module of this collection that makes a client) calls all three once on import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import copy
import os
import threading

try:
    import boto3.session
    import botocore.config
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
# boto3's own Session.client, which builds every client the cache does not have
_CLIENT = boto3.session.Session.client if botocore else None
_CLIENT_ARGS = ("service_name", "region_name", "api_version", "use_ssl", "verify", "endpoint_url",
                "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "config", "aws_account_id")
_CLIENTS = collections.OrderedDict()
_CLIENT_LIMIT = 64
_PRISTINE = []
# placebo (amazon.aws's recorded-response tests) hooks every Session: never share its clients
_NO_SHARING_ENV = ("_ANSIBLE_PLACEBO_RECORD", "_ANSIBLE_PLACEBO_REPLAY")


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


def _frozen(value):
    """A hashable form of a client argument or a botocore Config option (dicts and lists inside)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, botocore.config.Config):
        return ("Config", _frozen(value._user_provided_options))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return value


def _handler_count(node):
    values = node.get("values")
    count = len(values.first) + len(values.middle) + len(values.last) if values is not None else 0
    return count + sum(_handler_count(child) for child in (node.get("children") or {}).values())


def _handlers_of(emitter):
    """The unique ids and the number of the handlers of a botocore emitter (64 us for ~140), or None."""
    root = getattr(getattr(emitter, "_handlers", None), "_root", None)
    if emitter.__class__ is not botocore.hooks.HierarchicalEmitter or not isinstance(root, dict):
        return None
    return frozenset(emitter._unique_id_handlers), _handler_count(root)


def _pristine_handlers():
    """The handlers of a boto3 Session nobody registered anything on (botocore's and boto3's own)."""
    if not _PRISTINE:
        _PRISTINE.append(_handlers_of(boto3.session.Session()._session._original_handler))
    return _PRISTINE[0]


def _client_key(session, args, kwargs):
    """What the client boto3 would build depends on, or None when this Session's client must be its own."""
    if len(args) > len(_CLIENT_ARGS) or any(os.environ.get(name) for name in _NO_SHARING_ENV):
        return None
    core = getattr(session, "_session", None)
    if _handlers_of(getattr(core, "_original_handler", None)) != _pristine_handlers():
        return None
    call = dict(zip(_CLIENT_ARGS, args))
    call.update(kwargs)
    if set(call) - set(_CLIENT_ARGS):
        return None
    credentials = getattr(core, "_credentials", None)  # set only by explicit keys, before the first client
    explicit = (credentials.access_key, credentials.secret_key, credentials.token) if credentials else None
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    return _frozen(call), _frozen(getattr(core, "_session_instance_vars", None)), explicit, environment


def _client_emitter(client):
    events = getattr(getattr(client, "meta", None), "events", None)
    return getattr(events, "_emitter", events)  # the EventAliaser's emitter


def _shared_client(self, *args, **kwargs):
    """boto3.session.Session.client, returning the client an earlier call built from the same inputs."""
    try:
        key = _client_key(self, args, kwargs)
    except Exception:  # an input this cache does not understand: boto3's own path
        key = None
    if key is None:
        return _CLIENT(self, *args, **kwargs)
    with _LOCK:
        kept = _CLIENTS.get(key)
        if kept is not None:
            client, handlers = kept
            if _handlers_of(_client_emitter(client)) == handlers:
                _CLIENTS.move_to_end(key)
                return client
            del _CLIENTS[key]  # somebody hooked its events since (a Stubber, say): never hand it out again
    client = _CLIENT(self, *args, **kwargs)
    handlers = _handlers_of(_client_emitter(client))
    if handlers is None:
        return client
    with _LOCK:
        _CLIENTS[key] = (client, handlers)
        while len(_CLIENTS) > _CLIENT_LIMIT:
            _CLIENTS.popitem(last=False)
    return client


def share_clients():
    """Make boto3.session.Session.client of this process return the client an earlier call built from the
    same inputs (idempotent). Returns True when the cache is in place."""
    if botocore is None:
        return False
    if getattr(boto3.session.Session.client, "__name__", "") != _shared_client.__name__:
        boto3.session.Session.client = _shared_client
    return True


def clear_clients():
    """Forget every client share_clients() kept (tests that hook a client's events start clean with it)."""
    with _LOCK:
        _CLIENTS.clear()
