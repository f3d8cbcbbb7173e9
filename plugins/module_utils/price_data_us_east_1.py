# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Price data of us-east-1, written by scripts/refresh-prices: every price with its source and date.
# A Python literal, not JSON, because modules ship as AnsiballZ bundles of Python module_utils.
# fmt: off
from __future__ import absolute_import, division, print_function

__metaclass__ = type

PRICES = {
    'currency': 'USD',
    'free_data_transfer_out_gb': {
        'date': '2024-11-01',
        'source': 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer (100 GB/month free to the internet, aggregated over services)',
        'value': 100,
    },
    'location': 'US East (N. Virginia)',
    'prices': {
        'alb.hour': {
            'date': '2024-11-01',
            'description': 'Application Load Balancer hour',
            'price': 0.0225,
            'query': {
                'Filters': {
                    'productFamily': 'Load Balancer-Application',
                    'usagetype': 'LoadBalancerUsage',
                },
                'ServiceCode': 'AWSELB',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticloadbalancing/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'alb.lcu_hour': {
            'date': '2024-11-01',
            'description': 'Application Load Balancer capacity unit hour',
            'price': 0.008,
            'query': {
                'Filters': {
                    'productFamily': 'Load Balancer-Application',
                    'usagetype': 'LCUUsage',
                },
                'ServiceCode': 'AWSELB',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticloadbalancing/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'LCU-hour',
        },
        'cloudfront.gb': {
            'date': '2024-11-01',
            'description': 'CloudFront data transfer out, North America, first 10 TB',
            'price': 0.085,
            'query': {
                'Filters': {
                    'usagetype': 'US-DataTransfer-Out-Bytes',
                },
                'ServiceCode': 'AmazonCloudFront',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudfront/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB',
        },
        'cloudfront.https.per_10000': {
            'date': '2024-11-01',
            'description': 'CloudFront HTTPS requests, North America',
            'price': 0.01,
            'query': {
                'Filters': {
                    'usagetype': 'US-Requests-Tier2-HTTPS',
                },
                'ServiceCode': 'AmazonCloudFront',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudfront/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': '10,000 requests',
        },
        'cloudwatch.alarm_month': {
            'date': '2024-11-01',
            'description': 'Standard-resolution metric alarm',
            'price': 0.1,
            'query': {
                'Filters': {
                    'usagetype': 'CW:AlarmMonitorUsage',
                },
                'ServiceCode': 'AmazonCloudWatch',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudwatch/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'alarm-month',
        },
        'cloudwatch.dashboard_month': {
            'date': '2024-11-01',
            'description': 'Dashboard (first 3 free per account)',
            'price': 3.0,
            'query': {
                'Filters': {
                    'usagetype': 'DashboardsUsageHour-Basic',
                },
                'ServiceCode': 'AmazonCloudWatch',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudwatch/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'dashboard-month',
        },
        'cloudwatch.logs_ingest_gb': {
            'date': '2024-11-01',
            'description': 'Logs ingestion (standard class)',
            'price': 0.5,
            'query': {
                'Filters': {
                    'usagetype': 'DataProcessing-Bytes',
                },
                'ServiceCode': 'AmazonCloudWatch',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudwatch/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB',
        },
        'cloudwatch.logs_storage_gb_month': {
            'date': '2024-11-01',
            'description': 'Logs storage (archived)',
            'price': 0.03,
            'query': {
                'Filters': {
                    'usagetype': 'TimedStorage-ByteHrs',
                },
                'ServiceCode': 'AmazonCloudWatch',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudwatch/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'cloudwatch.metric_month': {
            'date': '2024-11-01',
            'description': 'Custom metric, first 10,000',
            'price': 0.3,
            'query': {
                'Filters': {
                    'usagetype': 'CW:MetricMonitorUsage',
                },
                'ServiceCode': 'AmazonCloudWatch',
            },
            'source': 'transcribed from https://aws.amazon.com/cloudwatch/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'metric-month',
        },
        'data_transfer.out_gb': {
            'date': '2024-11-01',
            'description': 'Data transfer out to the internet, first 10 TB',
            'price': 0.09,
            'query': {
                'Filters': {
                    'usagetype': 'DataTransfer-Out-Bytes',
                },
                'ServiceCode': 'AWSDataTransfer',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer (on-demand list price, US East (N. Virginia))',
            'unit': 'GB',
        },
        'dms.dms.c5.large.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.c5.large Single-AZ replication instance',
            'price': 0.154,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.c5.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'dms.dms.r5.large.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.r5.large Single-AZ replication instance',
            'price': 0.21,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.r5.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'dms.dms.t3.large.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.t3.large Single-AZ replication instance',
            'price': 0.146,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.t3.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'dms.dms.t3.medium.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.t3.medium Single-AZ replication instance',
            'price': 0.073,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.t3.medium',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'dms.dms.t3.micro.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.t3.micro Single-AZ replication instance',
            'price': 0.018,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.t3.micro',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'dms.dms.t3.small.hour': {
            'date': '2024-11-01',
            'description': 'DMS dms.t3.small Single-AZ replication instance',
            'price': 0.036,
            'query': {
                'Filters': {
                    'availabilityZone': 'Single',
                    'instanceType': 'dms.t3.small',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AWSDatabaseMigrationSvc',
            },
            'source': 'transcribed from https://aws.amazon.com/dms/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ebs.gp2.gb_month': {
            'date': '2024-11-01',
            'description': 'EBS gp2 storage',
            'price': 0.1,
            'query': {
                'Filters': {
                    'location': 'US East (N. Virginia)',
                    'volumeApiName': 'gp2',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'ebs.gp3.gb_month': {
            'date': '2024-11-01',
            'description': 'EBS gp3 storage',
            'price': 0.08,
            'query': {
                'Filters': {
                    'location': 'US East (N. Virginia)',
                    'volumeApiName': 'gp3',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'ec2.c5.2xlarge.hour': {
            'date': '2024-11-01',
            'description': 'EC2 c5.2xlarge Linux on-demand, shared tenancy',
            'price': 0.34,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 'c5.2xlarge',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.c5.large.hour': {
            'date': '2024-11-01',
            'description': 'EC2 c5.large Linux on-demand, shared tenancy',
            'price': 0.085,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 'c5.large',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.c5.xlarge.hour': {
            'date': '2024-11-01',
            'description': 'EC2 c5.xlarge Linux on-demand, shared tenancy',
            'price': 0.17,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 'c5.xlarge',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.m5.large.hour': {
            'date': '2024-11-01',
            'description': 'EC2 m5.large Linux on-demand, shared tenancy',
            'price': 0.096,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 'm5.large',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.m5.xlarge.hour': {
            'date': '2024-11-01',
            'description': 'EC2 m5.xlarge Linux on-demand, shared tenancy',
            'price': 0.192,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 'm5.xlarge',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.t3.large.hour': {
            'date': '2024-11-01',
            'description': 'EC2 t3.large Linux on-demand, shared tenancy',
            'price': 0.0832,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 't3.large',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'ec2.t3.medium.hour': {
            'date': '2024-11-01',
            'description': 'EC2 t3.medium Linux on-demand, shared tenancy',
            'price': 0.0416,
            'query': {
                'Filters': {
                    'capacitystatus': 'Used',
                    'instanceType': 't3.medium',
                    'location': 'US East (N. Virginia)',
                    'operatingSystem': 'Linux',
                    'preInstalledSw': 'NA',
                    'tenancy': 'Shared',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.m5.large.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.m5.large node',
            'price': 0.156,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.m5.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.t3.medium.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.t3.medium node',
            'price': 0.068,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.t3.medium',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.t3.micro.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.t3.micro node',
            'price': 0.017,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.t3.micro',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.t3.small.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.t3.small node',
            'price': 0.034,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.t3.small',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.t4g.micro.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.t4g.micro node',
            'price': 0.016,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.t4g.micro',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'elasticache.cache.t4g.small.hour': {
            'date': '2024-11-01',
            'description': 'ElastiCache Redis OSS cache.t4g.small node',
            'price': 0.032,
            'query': {
                'Filters': {
                    'cacheEngine': 'Redis',
                    'instanceType': 'cache.t4g.small',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonElastiCache',
            },
            'source': 'transcribed from https://aws.amazon.com/elasticache/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'fargate.gb_hour': {
            'date': '2024-11-01',
            'description': 'Fargate Linux/x86, per GB of memory-hour',
            'price': 0.004445,
            'query': {
                'Filters': {
                    'usagetype': 'Fargate-GB-Hours',
                },
                'ServiceCode': 'AmazonECS',
            },
            'source': 'transcribed from https://aws.amazon.com/fargate/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-hour',
        },
        'fargate.vcpu_hour': {
            'date': '2024-11-01',
            'description': 'Fargate Linux/x86, per vCPU-hour',
            'price': 0.04048,
            'query': {
                'Filters': {
                    'usagetype': 'Fargate-vCPU-Hours:perCPU',
                },
                'ServiceCode': 'AmazonECS',
            },
            'source': 'transcribed from https://aws.amazon.com/fargate/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'vCPU-hour',
        },
        'nat.gb': {
            'date': '2024-11-01',
            'description': 'NAT gateway data processed',
            'price': 0.045,
            'query': {
                'Filters': {
                    'usagetype': 'NatGateway-Bytes',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB',
        },
        'nat.hour': {
            'date': '2024-11-01',
            'description': 'NAT gateway hour',
            'price': 0.045,
            'query': {
                'Filters': {
                    'usagetype': 'NatGateway-Hours',
                },
                'ServiceCode': 'AmazonEC2',
            },
            'source': 'transcribed from https://aws.amazon.com/ec2/pricing/on-demand/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.m5.large.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.m5.large Multi-AZ',
            'price': 0.356,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.m5.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.m5.large.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.m5.large Single-AZ',
            'price': 0.178,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.m5.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.m5.xlarge.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.m5.xlarge Multi-AZ',
            'price': 0.712,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.m5.xlarge',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.m5.xlarge.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.m5.xlarge Single-AZ',
            'price': 0.356,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.m5.xlarge',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.large.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.large Multi-AZ',
            'price': 0.29,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.t3.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.large.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.large Single-AZ',
            'price': 0.145,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.t3.large',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.medium.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.medium Multi-AZ',
            'price': 0.144,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.t3.medium',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.medium.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.medium Single-AZ',
            'price': 0.072,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.t3.medium',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.micro.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.micro Multi-AZ',
            'price': 0.036,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.t3.micro',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.micro.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.micro Single-AZ',
            'price': 0.018,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.t3.micro',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.small.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.small Multi-AZ',
            'price': 0.072,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.t3.small',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.small.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.small Single-AZ',
            'price': 0.036,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.t3.small',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.xlarge.multi_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.xlarge Multi-AZ',
            'price': 0.58,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'instanceType': 'db.t3.xlarge',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.postgres.db.t3.xlarge.single_az.hour': {
            'date': '2024-11-01',
            'description': 'RDS PostgreSQL db.t3.xlarge Single-AZ',
            'price': 0.29,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'instanceType': 'db.t3.xlarge',
                    'location': 'US East (N. Virginia)',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'hour',
        },
        'rds.storage.gp2.multi_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS gp2 storage Multi-AZ',
            'price': 0.23,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'General Purpose',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'rds.storage.gp2.single_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS gp2 storage Single-AZ',
            'price': 0.115,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'General Purpose',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'rds.storage.gp3.multi_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS gp3 storage Multi-AZ',
            'price': 0.23,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'General Purpose-GP3',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'rds.storage.gp3.single_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS gp3 storage Single-AZ',
            'price': 0.115,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'General Purpose-GP3',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'rds.storage.io1.multi_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS io1 storage Multi-AZ',
            'price': 0.25,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Multi-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'Provisioned IOPS',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'rds.storage.io1.single_az.gb_month': {
            'date': '2024-11-01',
            'description': 'RDS io1 storage Single-AZ',
            'price': 0.125,
            'query': {
                'Filters': {
                    'databaseEngine': 'PostgreSQL',
                    'deploymentOption': 'Single-AZ',
                    'location': 'US East (N. Virginia)',
                    'volumeType': 'Provisioned IOPS',
                },
                'ServiceCode': 'AmazonRDS',
            },
            'source': 'transcribed from https://aws.amazon.com/rds/postgresql/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        's3.get.per_1000': {
            'date': '2024-11-01',
            'description': 'S3 GET and other requests',
            'price': 0.0004,
            'query': {
                'Filters': {
                    'usagetype': 'Requests-Tier2',
                },
                'ServiceCode': 'AmazonS3',
            },
            'source': 'transcribed from https://aws.amazon.com/s3/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': '1,000 requests',
        },
        's3.put.per_1000': {
            'date': '2024-11-01',
            'description': 'S3 PUT, COPY, POST, LIST requests',
            'price': 0.005,
            'query': {
                'Filters': {
                    'usagetype': 'Requests-Tier1',
                },
                'ServiceCode': 'AmazonS3',
            },
            'source': 'transcribed from https://aws.amazon.com/s3/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': '1,000 requests',
        },
        's3.standard.gb_month': {
            'date': '2024-11-01',
            'description': 'S3 Standard storage, first 50 TB',
            'price': 0.023,
            'query': {
                'Filters': {
                    'usagetype': 'TimedStorage-ByteHrs',
                },
                'ServiceCode': 'AmazonS3',
            },
            'source': 'transcribed from https://aws.amazon.com/s3/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        's3.standard_ia.gb_month': {
            'date': '2024-11-01',
            'description': 'S3 Standard-IA storage',
            'price': 0.0125,
            'query': {
                'Filters': {
                    'usagetype': 'TimedStorage-SIA-ByteHrs',
                },
                'ServiceCode': 'AmazonS3',
            },
            'source': 'transcribed from https://aws.amazon.com/s3/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'GB-month',
        },
        'waf.million_requests': {
            'date': '2024-11-01',
            'description': 'WAF requests',
            'price': 0.6,
            'query': {
                'Filters': {
                    'usagetype': 'RequestV2-Tier1',
                },
                'ServiceCode': 'awswaf',
            },
            'source': 'transcribed from https://aws.amazon.com/waf/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'million requests',
        },
        'waf.rule_month': {
            'date': '2024-11-01',
            'description': 'WAF rule',
            'price': 1.0,
            'query': {
                'Filters': {
                    'usagetype': 'RuleV2',
                },
                'ServiceCode': 'awswaf',
            },
            'source': 'transcribed from https://aws.amazon.com/waf/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'rule-month',
        },
        'waf.web_acl_month': {
            'date': '2024-11-01',
            'description': 'WAF web ACL',
            'price': 5.0,
            'query': {
                'Filters': {
                    'usagetype': 'WebACLV2',
                },
                'ServiceCode': 'awswaf',
            },
            'source': 'transcribed from https://aws.amazon.com/waf/pricing/ (on-demand list price, US East (N. Virginia))',
            'unit': 'web ACL-month',
        },
    },
    'region': 'us-east-1',
}
