# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.mithran.platform.plugins.module_utils.dashboard import BodyError, widget_namespaces


def dashboard_metric(value, namespace, metric, dimension, extra=None):
    """One row of a metric widget: 'mithran-db' | dashboard_metric('AWS/RDS', 'CPUUtilization', 'DBInstanceIdentifier')."""
    row = [namespace, metric, dimension, str(value)]
    for key, val in sorted((extra or {}).items()):
        row.extend([key, str(val)])
    return row


def dashboard_namespaces(widgets):
    """The metric namespaces a list of dashboard widgets references."""
    try:
        return sorted(set(widget_namespaces(widgets)))
    except BodyError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {
            "dashboard_metric": dashboard_metric,
            "dashboard_namespaces": dashboard_namespaces,
        }
