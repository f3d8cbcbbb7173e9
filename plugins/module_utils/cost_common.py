# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the cost modules: batching, input checks that must run before any AWS call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

# RFC 5322 is looser, but AWS Budgets and Cost Anomaly Detection reject anything that is not a plain
# mailbox: local part, one @, a dotted domain with a top-level label of 2+ letters.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")


def chunks(items, size):
    """Consecutive slices of at most size items (size >= 1)."""
    items = list(items)
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def email_problem(address, option):
    if not isinstance(address, str) or not _EMAIL.match(address) or len(address) > 254:
        return "%s: %r is not an email address" % (option, address)
    return None


def sns_arn_problem(arn, option):
    if not isinstance(arn, str) or not _SNS_ARN.match(arn):
        return "%s: %r is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)" % (option, arn)
    return None


def percentage_problem(value, option, low=0.0, high=1000.0):
    """Thresholds in percent: AWS Budgets accepts 0-1000 (above 100 alerts on overspend)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "%s: %r is not a number" % (option, value)
    if math.isnan(number) or number < low or number > high:
        return "%s is %s; it must be between %s and %s percent" % (option, value, low, high)
    return None


def fail_on_problems(module, problems):
    """Stop with every problem at once, before any API call."""
    problems = [p for p in problems if p]
    if problems:
        module.fail_json(msg="Invalid input: " + "; ".join(problems), problems=problems)
