"""docs/zero-to-jupyterhub-values.yaml is valid YAML with the chart's layout (not deployed here)."""

from __future__ import annotations

from pathlib import Path

import yaml

VALUES = Path(__file__).resolve().parents[2] / "docs" / "zero-to-jupyterhub-values.yaml"
#: the chart's top-level keys (zero-to-jupyterhub 4.x values.yaml)
CHART_KEYS = {
    "fullnameOverride",
    "nameOverride",
    "enabled",
    "imagePullSecrets",
    "imagePullSecret",
    "hub",
    "proxy",
    "singleuser",
    "scheduling",
    "ingress",
    "prePuller",
    "custom",
    "cull",
    "debug",
    "rbac",
    "global",
    "apps",
}


def test_values_parse_and_use_the_charts_keys() -> None:
    values = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    assert set(values) <= CHART_KEYS, set(values) - CHART_KEYS
    assert "NOT TESTED HERE" in VALUES.read_text(encoding="utf-8")
    hub_config = values["hub"]["config"]
    assert hub_config["JupyterHub"]["authenticator_class"] == "hocso.hub.codes.OneTimeCodeAuthenticator"
    assert values["singleuser"]["cmd"][-1] == "hocso.hub.learner_server"
    assert set(values["singleuser"]["memory"]) == {"guarantee", "limit"}
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    for role in values["hub"]["loadRoles"].values():
        assert set(role) <= {"users", "groups", "services", "scopes", "description"}
