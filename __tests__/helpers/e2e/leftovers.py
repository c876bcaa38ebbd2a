"""What trailguard could have left in an AWS (here: moto) after `terraform destroy`: every resource whose
name carries the prefix, in the given regions, listed through the AWS APIs (boto3, installed with moto).
A KMS key scheduled for deletion counts as gone: AWS never deletes a key at once (7 to 30 days,
https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).

Usage: python3 leftovers.py <endpoint> <prefix> <region>...   -> a JSON list of "service:name" strings
"""
import json
import sys

import boto3


def main():
    endpoint, prefix, regions = sys.argv[1], sys.argv[2], sys.argv[3:]
    kw = {"endpoint_url": endpoint, "aws_access_key_id": "moto-test-key", "aws_secret_access_key": "moto-test-secret"}
    found = []
    ours = lambda name: prefix in name  # noqa: E731

    iam = boto3.client("iam", region_name=regions[0], **kw)
    found += [f"iam role {r['RoleName']}" for r in iam.list_roles()["Roles"] if ours(r["RoleName"])]
    for region in regions:
        events = boto3.client("events", region_name=region, **kw)
        for bus in events.list_event_buses()["EventBuses"]:
            if ours(bus["Name"]):
                found.append(f"{region} event bus {bus['Name']}")
            for rule in events.list_rules(EventBusName=bus["Name"])["Rules"]:
                if ours(rule["Name"]):
                    found.append(f"{region} rule {bus['Name']}/{rule['Name']}")
        found += [f"{region} connection {c['Name']}" for c in events.list_connections()["Connections"] if ours(c["Name"])]
        found += [f"{region} api destination {d['Name']}" for d in events.list_api_destinations()["ApiDestinations"] if ours(d["Name"])]
        sqs = boto3.client("sqs", region_name=region, **kw)
        found += [f"{region} queue {u}" for u in sqs.list_queues().get("QueueUrls", []) if ours(u.rsplit("/", 1)[-1]) and not u.endswith("-e2e-observed")]
        lam = boto3.client("lambda", region_name=region, **kw)
        found += [f"{region} function {f['FunctionName']}" for f in lam.list_functions()["Functions"] if ours(f["FunctionName"])]
        sns = boto3.client("sns", region_name=region, **kw)
        found += [f"{region} topic {t['TopicArn']}" for t in sns.list_topics()["Topics"] if ours(t["TopicArn"])]
        logs = boto3.client("logs", region_name=region, **kw)
        found += [f"{region} log group {g['logGroupName']}" for g in logs.describe_log_groups()["logGroups"] if ours(g["logGroupName"])]
        cw = boto3.client("cloudwatch", region_name=region, **kw)
        found += [f"{region} alarm {a['AlarmName']}" for a in cw.describe_alarms()["MetricAlarms"] if ours(a["AlarmName"])]
        kms = boto3.client("kms", region_name=region, **kw)
        for key in kms.list_keys()["Keys"]:
            meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            if meta["KeyState"] != "PendingDeletion" and ours(meta.get("Description", "")):
                found.append(f"{region} kms key {key['KeyId']} ({meta['KeyState']})")
        cfn = boto3.client("cloudformation", region_name=region, **kw)
        # Filtered here too: moto ignores the Status filter and lists deleted stack sets (as DELETED).
        found += [f"{region} stack set {s['StackSetName']}" for s in cfn.list_stack_sets(Status="ACTIVE")["Summaries"] if ours(s["StackSetName"]) and s.get("Status") == "ACTIVE"]
    print(json.dumps(found))


if __name__ == "__main__":
    main()
