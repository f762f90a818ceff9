"""The Prometheus scrape config and the Grafana provisioning agree with the
worker and with docker-compose.yml, and the dashboard asks only for series
the worker exports (streams/metrics.py).

No Prometheus or Grafana runs here; these checks catch what would otherwise
show up as an empty panel or a down target on a user's machine.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from prometheus_client.metrics import MetricWrapperBase

from streams import metrics
from tests.unit.test_compose import ROOT, SERVICES, environment

PROMETHEUS = yaml.safe_load((ROOT / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
DATASOURCES = yaml.safe_load(
    (ROOT / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8")
)
PROVIDERS = yaml.safe_load(
    (ROOT / "grafana" / "provisioning" / "dashboards" / "newsstreams.yml").read_text("utf-8")
)
DASHBOARD_FILES = sorted((ROOT / "grafana" / "dashboards").glob("*.json"))
SAMPLE_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "gauge": ("",),
}


def mounts(service: str) -> dict[str, str]:
    """Container path → host path (relative to the project) of a service's bind mounts."""
    found = {}
    for volume in SERVICES[service].get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if source.startswith("./"):
            found[target] = source.removeprefix("./")
    return found


def exported_series() -> dict[str, set[str]]:
    """Sample name → label names, for every metric defined in streams.metrics.

    Read from the metric objects (their name, type and label names) rather
    than from the exposition, which lists no labels for a labelled metric
    nothing has been counted in yet.
    """
    series: dict[str, set[str]] = {}
    for collector in vars(metrics).values():
        if isinstance(collector, MetricWrapperBase):
            labels = set(collector._labelnames)
            if collector._type == "histogram":
                labels.add("le")
            for suffix in SAMPLE_SUFFIXES[collector._type]:
                series[collector._name + suffix] = labels
    return series


def test_prometheus_scrapes_the_workers_metrics_endpoint():
    [job] = PROMETHEUS["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    [target] = [t for config in job["static_configs"] for t in config["targets"]]
    assert target == f"worker:{environment('worker')['NEWSSTREAMS_WEB_PORT']}"


def test_prometheus_reads_the_config_compose_mounts():
    command = SERVICES["prometheus"]["command"]
    [config_path] = [arg.split("=", 1)[1] for arg in command if arg.startswith("--config.file=")]
    assert mounts("prometheus")[config_path] == "prometheus/prometheus.yml"


def test_grafana_provisions_prometheus_and_the_dashboards():
    provisioning = mounts("grafana")
    assert provisioning["/etc/grafana/provisioning"] == "grafana/provisioning"
    [source] = DATASOURCES["datasources"]
    port = SERVICES["prometheus"]["ports"][0].split(":")[-1]
    assert source["url"] == f"http://prometheus:{port}"
    [provider] = PROVIDERS["providers"]
    assert provisioning[provider["options"]["path"]] == "grafana/dashboards"
    assert DASHBOARD_FILES


def _targets(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [target for panel in dashboard["panels"] for target in panel["targets"]]


def test_dashboards_use_the_provisioned_data_source():
    [source] = DATASOURCES["datasources"]
    for path in DASHBOARD_FILES:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for item in (*dashboard["panels"], *_targets(dashboard)):
            assert item["datasource"] == {"type": "prometheus", "uid": source["uid"]}, path


def test_dashboards_query_only_series_and_labels_the_worker_exports():
    exported = exported_series()
    used: set[str] = set()
    for path in DASHBOARD_FILES:
        for target in _targets(json.loads(path.read_text(encoding="utf-8"))):
            expr = target["expr"]
            names = re.findall(r"\bnewsstreams_\w+", expr)
            assert names, expr
            for name in names:
                assert name in exported, f"{path.name}: {name} is not exported"
            labels = {
                label.strip()
                for group in re.findall(r"\bby \(([^)]*)\)", expr)
                for label in group.split(",")
            }
            allowed = set.union(*(exported[name] for name in names))
            assert labels <= allowed, f"{path.name}: {expr} groups by {labels - allowed}"
            used.update(names)
    # every metric family is on the dashboard (through one of its series)
    families = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in exported}
    assert families == {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in used}
