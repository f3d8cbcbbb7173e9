# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch dashboard bodies: parsing and validation shared by the module and the filters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.six import string_types

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
WIDGET_TYPES = ("metric", "text", "log", "alarm", "explorer", "custom")
GRID_WIDTH = 24


class BodyError(Exception):
    pass


def parse_body(body):
    """The body as a dictionary, from a dictionary or a JSON string."""
    if isinstance(body, string_types):
        try:
            body = json.loads(body)
        except ValueError as e:
            raise BodyError("body is not valid JSON: %s" % e)
    if not isinstance(body, dict):
        raise BodyError("body must be a JSON object with a widgets list, got %s" % type(body).__name__)
    return body


def metric_namespaces(metrics):
    """Namespaces a metric widget's `metrics` array names. A row is [namespace, metric, dims..., {opts}];
    '.' repeats the previous row's value at that position; a row with only {expression: ...} is math."""
    found = []
    previous = []
    for index, row in enumerate(metrics):
        if not isinstance(row, list) or not row:
            raise BodyError("metrics[%d] must be a non-empty array" % index)
        values = [v for v in row if not isinstance(v, dict)]
        if not values:
            options = row[-1]
            if "expression" not in options:
                raise BodyError("metrics[%d] has neither a metric nor an expression" % index)
            continue
        resolved = [previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(values)]
        if len(resolved) < 2:
            raise BodyError("metrics[%d] must name a namespace and a metric, got %s" % (index, json.dumps(row)))
        found.append(resolved[0])
        previous = resolved
    return found


def validate_body(body, allowed_namespaces=None):
    widgets = body.get("widgets")
    if not isinstance(widgets, list):
        raise BodyError("body.widgets must be a list")
    for index, widget in enumerate(widgets):
        where = "body.widgets[%d]" % index
        if not isinstance(widget, dict):
            raise BodyError("%s must be an object" % where)
        wtype = widget.get("type")
        if wtype not in WIDGET_TYPES:
            raise BodyError("%s.type must be one of %s, got %r" % (where, ", ".join(WIDGET_TYPES), wtype))
        for key, low, high in (("x", 0, GRID_WIDTH - 1), ("y", 0, None), ("width", 1, GRID_WIDTH), ("height", 1, 1000)):
            if key not in widget:
                continue
            value = widget[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
                raise BodyError("%s.%s must be an integer in [%d, %s], got %r" % (where, key, low, high or "...", value))
        if "x" in widget and widget["x"] + widget.get("width", 6) > GRID_WIDTH:
            raise BodyError("%s is wider than the %d-column grid (x=%d, width=%d)"
                            % (where, GRID_WIDTH, widget["x"], widget.get("width", 6)))
        properties = widget.get("properties")
        if not isinstance(properties, dict):
            raise BodyError("%s.properties must be an object" % where)
        if wtype == "text" and not isinstance(properties.get("markdown"), string_types):
            raise BodyError("%s.properties.markdown must be a string" % where)
        if wtype == "metric":
            metrics = properties.get("metrics")
            if metrics is None:
                continue  # an alarm annotation or a query widget
            if not isinstance(metrics, list):
                raise BodyError("%s.properties.metrics must be a list" % where)
            try:
                namespaces = metric_namespaces(metrics)
            except BodyError as e:
                raise BodyError("%s.properties.%s" % (where, e))
            if allowed_namespaces is not None:
                for namespace in namespaces:
                    if namespace not in allowed_namespaces:
                        raise BodyError("%s references metric namespace %r, which is not one of allowed_namespaces (%s)"
                                        % (where, namespace, ", ".join(allowed_namespaces)))


def widget_namespaces(widgets):
    """Every metric namespace the metric widgets of a widget list reference."""
    found = []
    for index, widget in enumerate(widgets or []):
        if not isinstance(widget, dict) or widget.get("type") != "metric":
            continue
        metrics = (widget.get("properties") or {}).get("metrics") or []
        try:
            found.extend(metric_namespaces(metrics))
        except BodyError as e:
            raise BodyError("widgets[%d].properties.%s" % (index, e))
    return found
