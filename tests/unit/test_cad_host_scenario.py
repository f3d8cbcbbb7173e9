"""The cad_host scenario's boot-time sysctl stand-in stays equal to the role's per-netns settings."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_scenario_sysctls_match_role_defaults():
    defaults = yaml.safe_load((ROOT / "roles/cad_host/defaults/main.yml").read_text())["cad_host_sysctl_settings"]
    expected = {k: str(v) for k, v in defaults.items() if k.startswith(("net.ipv4.", "net.ipv6."))}
    platform = yaml.safe_load((ROOT / "molecule/cad_host/molecule.yml").read_text())["platforms"][0]
    given = dict(opt.removeprefix("--sysctl=").split("=", 1) for opt in platform["extra_opts"]
                 if opt.startswith("--sysctl="))
    assert given == expected


def test_scenario_never_sets_host_wide_keys():
    platform = yaml.safe_load((ROOT / "molecule/cad_host/molecule.yml").read_text())["platforms"][0]
    keys = [opt.removeprefix("--sysctl=").split("=", 1)[0] for opt in platform["extra_opts"]]
    assert keys and all(k.startswith(("net.ipv4.", "net.ipv6.")) for k in keys)
