# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/strategy_plugins/mitogen_linear.py: the collections are listed once per run, not per task, and the
Jinja plugins are loaded before the workers fork."""

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


@pytest.fixture
def scan(monkeypatch):
    """The strategy plugin with its import scan, and the files whose imports it walked (compiled)."""
    spec = importlib.util.spec_from_file_location("mithran_test_mitogen_linear_scan", PLUGIN)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    import ansible_mitogen.module_finder as module_finder

    monkeypatch.setattr(module_finder, "_scan_importlib_find_spec", module_finder._scan_importlib_find_spec)
    walked = []
    walk = module_finder.walk_imports

    def counting(code, prefix=None):
        walked.append(code.co_filename)
        return walk(code, prefix)

    monkeypatch.setattr(module_finder, "walk_imports", counting)
    return plugin, module_finder, walked


def _module(name):
    """An installed amazon.aws module: its name and path, and Ansible's module_utils search path."""
    import ansible.module_utils

    fullname = "ansible_collections.amazon.aws.plugins.modules." + name
    return fullname, importlib.util.find_spec(fullname).origin, list(ansible.module_utils.__path__)


MODULES = ("ec2_vpc_net", "ec2_vpc_subnet", "s3_bucket", "rds_instance")


def test_the_import_scan_finds_what_mitogens_own_finds(scan):
    plugin, module_finder, dummy = scan
    stock = [module_finder.scan(*_module(name)) for name in MODULES]
    plugin._share_import_scan()
    ours = [module_finder.scan(*_module(name)) for name in MODULES]

    assert module_finder._scan_importlib_find_spec is plugin._scan_importlib_find_spec
    assert ours == stock
    assert all(("ansible.module_utils.six" in [n for n, dummy_path, dummy_pkg in found]) for found in ours)


def test_a_file_shared_by_many_modules_is_compiled_once(scan):
    plugin, module_finder, walked = scan
    plugin._share_import_scan()
    for name in MODULES + MODULES[:1]:
        module_finder.scan(*_module(name))

    assert len(walked) > len(MODULES), "the scan compiled no module_utils"
    twice = sorted(f for f in set(walked) if walked.count(f) > 1)
    assert twice == [], "compiled again for another module: %s" % twice


@pytest.fixture
def finder(monkeypatch):
    """The strategy plugin and a fresh Mitogen module finder (its caches empty), mitogen.master left as it was."""
    import mitogen.master

    spec = importlib.util.spec_from_file_location("mithran_test_mitogen_linear_related", PLUGIN)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    monkeypatch.delattr(mitogen.master, "compile", raising=False)
    return plugin, mitogen.master


RELATED = ("botocore.client", "boto3.session", "urllib3.connectionpool", "ansible.module_utils.basic")


def test_the_related_imports_are_those_mitogen_finds_by_compiling(finder, monkeypatch):
    plugin, master = finder
    for name in RELATED:
        importlib.import_module(name)
    stock = [master.ModuleFinder().find_related_imports(name) for name in RELATED]
    plugin._share_compiled_imports()
    assert master.compile is plugin._compile_from_bytecode_cache
    asked, compiled = [], []
    real_compile = compile
    monkeypatch.setattr(master, "compile",
                        lambda *a, **k: asked.append(a[1]) or plugin._compile_from_bytecode_cache(*a, **k))
    monkeypatch.setattr(plugin, "compile", lambda *a, **k: compiled.append(a[1]) or real_compile(*a, **k),
                        raising=False)
    ours = [master.ModuleFinder().find_related_imports(name) for name in RELATED]

    assert ours == stock and all(ours)
    assert len(asked) == len(RELATED)
    assert compiled == [], "compiled although the bytecode cache is current: %s" % compiled


def test_a_source_that_is_not_the_file_is_compiled(finder, tmp_path):
    plugin, dummy = finder
    source = tmp_path / "mod.py"
    source.write_bytes(b"import os\n")
    code = plugin._compile_from_bytecode_cache(b"import json  # not the file\n", str(source), "exec")
    assert "json" in code.co_names and "os" not in code.co_names
    code = plugin._compile_from_bytecode_cache(b"import os\n", str(source), "exec")
    assert "os" in code.co_names


# ---- the Jinja plugins loaded once, before the workers fork ----

PROBE = r'''
import importlib.util, json, os, sys
root, plugin_path, preload = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
from ansible.plugins.loader import PluginLoader, filter_loader, init_plugin_loader, lookup_loader, test_loader
init_plugin_loader([os.path.join(root, "collections")])
spec = importlib.util.spec_from_file_location("probe_strategy", plugin_path)
plugin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plugin)
if preload:
    plugin._preload_template_plugins()
    plugin._preload_template_plugins()  # once per process: the second call loads nothing
read, write = os.pipe()
pid = os.fork()
if pid == 0:  # what Ansible's worker of a task is: a fork of the controller
    loads = []
    real = PluginLoader._load_module_source
    def counting(self, *args, **kwargs):
        loads.append(str(kwargs.get("path")))
        return real(self, *args, **kwargs)
    PluginLoader._load_module_source = counting
    found = [filter_loader.get("mithran.platform.standard_tags") is not None,
             filter_loader.get("ansible.builtin.combine") is not None,
             test_loader.get("ansible.builtin.match") is not None,
             lookup_loader.get("ansible.builtin.env") is not None]
    os.write(write, json.dumps({"found": found, "loads": loads}).encode())
    os._exit(0)
os.close(write)
print(os.read(read, 1 << 20).decode())
os.waitpid(pid, 0)
'''


def _worker_loads(tmp_path, preload):
    import json
    import subprocess
    import sys

    root = os.path.abspath(os.path.join(os.path.dirname(PLUGIN), "..", ".."))
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(root, "ansible.cfg"))
    proc = subprocess.run([sys.executable, str(probe), root, os.path.abspath(PLUGIN), "1" if preload else "0"],
                          capture_output=True, text=True, env=env, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_worker_forked_after_the_preload_loads_no_filter_test_or_lookup(tmp_path):
    before = _worker_loads(tmp_path, preload=False)
    assert before["found"] == [True] * 4
    # without the preload, the worker loads them itself: this collection's filters, builtin tests, the lookup
    assert any("/mithran/platform/plugins/filter/" in path for path in before["loads"]), before["loads"]
    assert any(path.endswith("lookup/env.py") for path in before["loads"]), before["loads"]
    after = _worker_loads(tmp_path, preload=True)
    assert after == {"found": [True] * 4, "loads": []}
