# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error codes our modules' AWSRetry decorators retry beyond amazon.aws's own list.

AWSRetry.jittered_backoff() retries RequestLimitExceeded, Throttling, TooManyRequestsException,
InternalError, InternalFailure, ServiceUnavailable and Unavailable. The JSON services (KMS, ECS, ECR, Logs,
Secrets Manager, ACM, Budgets, DMS, Application Auto Scaling, WAFv2) throttle with ThrottlingException,
S3 with SlowDown, SNS with Throttled, the tagging API with ThrottledException: without these codes a
throttle that outlasts botocore's own attempts fails the module instead of backing off.

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

Every module of this collection that makes a client imports this one, so it is also where botocore_loader
is put in place: one parsed service model, one built-in handler table and one client per set of inputs per
interpreter, instead of one of each per module call (docs/benchmarks.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mithran.platform.plugins.module_utils.botocore_loader import (
    share_builtin_handlers,
    share_clients,
    share_data_loader,
)

share_data_loader()
share_builtin_handlers()
share_clients()

THROTTLING_CODES = [
    "ThrottlingException",
    "ThrottledException",
    "Throttled",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
    "ServiceUnavailableException",
]
