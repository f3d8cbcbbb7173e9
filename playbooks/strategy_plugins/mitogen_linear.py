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

import collections
import importlib.machinery
import importlib.util
import os

import ansible.collections.list
from ansible.plugins.strategy.linear import StrategyModule as _LinearStrategy
from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.display import Display

try:
    import ansible_mitogen.loaders  # noqa: F401 (checks the Ansible version Mitogen supports)
    import ansible_mitogen.module_finder
    import ansible_mitogen.strategy
    import mitogen.master
except ImportError as e:  # mitogen not installed
    _MISSING = str(e)
else:
    _MISSING = None

_warned = []
_preloaded = []
_collection_dirs = {}
_file_imports = {}
_found_specs = {}


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


def _preload_template_plugins():
    """Load the Jinja filters, tests and lookups once, in the controller's process, for every task's worker.

    Ansible forks a worker per task, and a worker that templates a filter, test or lookup the controller
    has not loaded yet loads it itself: the builtin ones at once (0.26 s the first time), a collection's
    plugin file with its imports (0.07 s for mithran.platform.standard_tags), and that cache dies with the
    worker. The roles template mithran.platform filters in most tasks and every AWS task templates
    ``lookup('ansible.builtin.env', ...)`` through the inventory's mithran_aws_env, so in a no-change
    deploy the workers spent 15 % of their CPU in the plugin loaders (py-spy). Loaded here, before the
    workers fork, each worker inherits them: 100 tasks that template standard_tags 11.4-12.4 -> 6.9-7.2 s.
    This collection's filters (it has no tests), and ansible.builtin's filters, tests and lookups, once per
    process (about 0.1 s); other collections' plugins load in the worker as before. Looking up one filter
    of a collection loads every filter file of it (ansible-core 2.19; the unit test of this function
    would show a version that stops doing so).
    """
    if _preloaded:
        return
    _preloaded.append(True)
    from ansible.plugins.loader import filter_loader, lookup_loader, test_loader

    filter_loader.get("ansible.builtin.default")  # loads every builtin filter
    filter_loader.get("mithran.platform.standard_tags")  # and every filter file of this collection
    test_loader.get("ansible.builtin.match")
    list(lookup_loader.all(class_only=True))


def _code_of(path):
    """The code of the source file path as an import loads it: from Python's bytecode cache when that is
    current (__pycache__, written by pip at install or by the first import), else compiled. The cache is
    30x cheaper than compiling the source."""
    return importlib.machinery.SourceFileLoader("mithran_scanned", path).get_code("mithran_scanned")


def _imports_of(origin, prefix):
    """The names of the modules under prefix that the file origin imports, read once per run."""
    stat = os.stat(origin)
    key = (origin, stat.st_mtime_ns, stat.st_size, prefix)
    names = _file_imports.get(key)
    if names is None:
        names = _file_imports[key] = tuple(ansible_mitogen.module_finder.walk_imports(_code_of(origin), prefix))
    return names


def _find_spec(name, locations):
    key = (name, tuple(locations))
    if key not in _found_specs:
        _found_specs[key] = importlib.util._find_spec(name, locations)
    return _found_specs[key]


def _scan_importlib_find_spec(module_name, module_path, search_path):
    """ansible_mitogen.module_finder._scan_importlib_find_spec with each file compiled and each import
    looked up once per run, not once per module that uses it. Same walk, same result."""
    module = importlib.machinery.ModuleSpec(module_name, loader=None, origin=module_path)
    prefix = importlib.machinery.ModuleSpec(ansible_mitogen.module_finder.PREFIX.rstrip("."), loader=None)
    prefix.submodule_search_locations = search_path
    queue = collections.deque([module])
    specs = {prefix.name: prefix}
    while queue:
        spec = queue.popleft()
        if spec.origin is None:
            continue
        try:
            names = _imports_of(spec.origin, prefix.name)
        except Exception as exc:
            raise ValueError((exc, module, spec, specs))
        for name in names:
            if name in specs:
                continue
            parent = specs[name.rpartition(".")[0]]
            if parent is None or not parent.submodule_search_locations:
                specs[name] = None
                continue
            child = _find_spec(name, parent.submodule_search_locations)
            if child is None or child.origin is None:
                specs[name] = None
                continue
            specs[name] = child
            queue.append(child)
    del specs[prefix.name]
    return sorted((spec.name, spec.origin, spec.submodule_search_locations is not None)
                  for spec in specs.values() if spec is not None)


def _share_import_scan():
    """Read each module_utils file's imports once per run to find what a module needs on the target.

    Before the first call of each module, Mitogen's ModuleDepService (in the controller's process) walks the
    module's imports: it compiles the module and every module_utils file it reaches, again for each module,
    so amazon.aws's botocore.py, modules.py, retries.py and the rest were compiled for each of the ~50
    modules of a deploy: 6 % of the busy samples in the py-spy profile of a no-change deploy
    (docs/benchmarks.md). The walk is Mitogen's; only the imports found and the looked-up specs are kept,
    per file (path, mtime, size) and per name, and the code comes from the bytecode cache when it is current.
    """
    ansible_mitogen.module_finder._scan_importlib_find_spec = _scan_importlib_find_spec


def _compile_from_bytecode_cache(source, filename, mode, *args, **kwargs):
    """compile() as mitogen.master sees it: the code of a source file that is the file on disk comes from
    Python's bytecode cache when that is current; anything else is compiled."""
    if mode == "exec" and not args and not kwargs and isinstance(filename, str) and filename.endswith(".py"):
        try:
            if os.stat(filename).st_size == len(source):
                code = _code_of(filename)
                if code is not None:
                    return code
        except (OSError, ImportError, ValueError, EOFError):
            pass
    return compile(source, filename, mode, *args, **kwargs)


def _share_compiled_imports():
    """Read the imports of the modules Mitogen sends to its interpreter from the bytecode cache.

    Before it sends a module (boto3, botocore, their dependencies, module_utils) to the persistent
    interpreter, Mitogen's master compiles the module's source to list its imports
    (mitogen.master.ModuleFinder.find_related_imports, once per module per run): 3 % of the busy samples
    in the py-spy profile of a no-change deploy, for modules that pip compiled at install. Its
    compile() is given the cached bytecode when the source it read is the file (same size) and the cache
    is current (same check as an import); a changed or minified source is compiled as before.
    """
    mitogen.master.compile = _compile_from_bytecode_cache


if _MISSING is None:
    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _LinearStrategy):
        def __init__(self, *args, **kwargs):
            super(StrategyModule, self).__init__(*args, **kwargs)
            _preload_template_plugins()
            _share_collection_dirs()
            _share_import_scan()
            _share_compiled_imports()
else:
    class StrategyModule(_LinearStrategy):
        def __init__(self, *args, **kwargs):
            if not _warned:
                Display().warning("mitogen is not installed (%s): using the linear strategy. "
                                  "pip install -r requirements-dev.txt for the faster one." % _MISSING)
                _warned.append(True)
            super(StrategyModule, self).__init__(*args, **kwargs)
            _preload_template_plugins()
