"""Reproduce, against a moto started with `--stock`, each gap moto_server.py patches. Prints one JSON object:
{gap name: {"present": bool, "saw": what moto did}}. The e2e suite asserts every gap is still present, so a
patch is dropped (and this case with it) the day moto behaves as AWS documents.

Usage: python3 stock_gaps.py <endpoint>
"""
import io
import json
import sys
import zipfile

import boto3
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def main():
    endpoint = sys.argv[1]
    from botocore.config import Config

    # One attempt each: a gap that answers HTTP 500 must not be retried for seconds.
    kw = {"endpoint_url": endpoint, "aws_access_key_id": "moto-test-key", "aws_secret_access_key": "moto-test-secret", "config": Config(retries={"max_attempts": 1, "mode": "standard"})}
    region = "us-east-1"
    events = boto3.client("events", region_name=region, **kw)
    sqs = boto3.client("sqs", region_name=region, **kw)
    out = {}

    def queue(name):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"

    def received(url):
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [m["Body"] for m in msgs]

    def put(detail, bus="default", source="e2e.gap"):
        return events.put_events(Entries=[{"Source": source, "DetailType": "gap", "Detail": json.dumps(detail), "EventBusName": bus}])

    # cloudtrail_trail_by_arn
    s3 = boto3.client("s3", region_name=region, **kw)
    s3.create_bucket(Bucket="gap-bucket")
    ct = boto3.client("cloudtrail", region_name=region, **kw)
    arn = ct.create_trail(Name="gap-trail", S3BucketName="gap-bucket")["TrailARN"]
    try:
        ct.start_logging(Name=arn)
        out["cloudtrail_trail_by_arn"] = {"present": False, "saw": "StartLogging by ARN succeeded"}
    except ClientError as e:
        out["cloudtrail_trail_by_arn"] = {"present": True, "saw": f"StartLogging by ARN: {e.response['Error'].get('Code')} (HTTP {e.response['ResponseMetadata']['HTTPStatusCode']})"}

    # cloudtrail_describe_trails_by_name
    boto3.client("cloudtrail", region_name="eu-west-1", **kw).create_trail(Name="gap-other-trail", S3BucketName="gap-bucket", IsMultiRegionTrail=True)
    listed = [t["Name"] for t in ct.describe_trails(trailNameList=[arn])["trailList"]]
    out["cloudtrail_describe_trails_by_name"] = {"present": listed != ["gap-trail"], "saw": f"DescribeTrails of one ARN listed {listed}"}

    # cloudtrail_default_event_selectors
    selectors = ct.get_event_selectors(TrailName="gap-trail").get("EventSelectors", [])
    default = len(selectors) == 1 and selectors[0].get("ReadWriteType") == "All" and selectors[0].get("IncludeManagementEvents") is True
    out["cloudtrail_default_event_selectors"] = {"present": not default, "saw": f"a new trail's EventSelectors {selectors}"}

    # events_delivery: a Lambda target fails the whole PutEvents
    events.put_rule(Name="gap-lambda", EventPattern=json.dumps({"source": ["e2e.gap"], "detail": {"case": ["lambda"]}}))
    events.put_targets(Rule="gap-lambda", Targets=[{"Id": "fn", "Arn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:gap"}])
    try:
        put({"case": "lambda"})
        out["events_delivery.lambda_target"] = {"present": False, "saw": "PutEvents with a Lambda target succeeded"}
    except ClientError as e:
        out["events_delivery.lambda_target"] = {"present": True, "saw": f"PutEvents: HTTP {e.response['ResponseMetadata']['HTTPStatusCode']}"}
    events.remove_targets(Rule="gap-lambda", Ids=["fn"])

    # events_delivery: an unquoted string placeholder is pasted raw
    url, qarn = queue("gap-transformer")
    events.put_rule(Name="gap-transformer", EventPattern=json.dumps({"detail": {"case": ["transformer"]}}))
    events.put_targets(Rule="gap-transformer", Targets=[{"Id": "q", "Arn": qarn, "InputTransformer": {"InputPathsMap": {"v": "$.detail.value"}, "InputTemplate": '{"value": <v>}'}}])
    try:
        put({"case": "transformer", "value": "text"})
        bodies = received(url)
        out["events_delivery.placeholder_encoding"] = {"present": bodies != ['{"value": "text"}'] and bodies != ['{"value":"text"}'], "saw": f"bodies {bodies}"}
    except ClientError as e:
        out["events_delivery.placeholder_encoding"] = {"present": True, "saw": f"PutEvents: HTTP {e.response['ResponseMetadata']['HTTPStatusCode']}"}

    # events_delivery: bus to bus keeps account and region; time is ISO 8601
    events.create_event_bus(Name="gap-hub")
    url, qarn = queue("gap-forwarded")
    events.put_rule(Name="gap-hub-rule", EventBusName="gap-hub", EventPattern=json.dumps({"detail": {"case": ["forward"]}}))
    events.put_targets(Rule="gap-hub-rule", EventBusName="gap-hub", Targets=[{"Id": "q", "Arn": qarn}])
    edge = boto3.client("events", region_name="eu-west-1", **kw)
    edge.put_rule(Name="gap-edge", EventPattern=json.dumps({"detail": {"case": ["forward"]}}))
    edge.put_targets(Rule="gap-edge", Targets=[{"Id": "hub", "Arn": f"arn:aws:events:{region}:{ACCOUNT}:event-bus/gap-hub"}])
    edge.put_events(Entries=[{"Source": "e2e.gap", "DetailType": "gap", "Detail": json.dumps({"case": "forward"})}])
    bodies = [json.loads(b) for b in received(url)]
    seen = [{"account": b.get("account"), "region": b.get("region"), "time": b.get("time")} for b in bodies]
    kept = len(seen) == 1 and seen[0]["account"] == ACCOUNT and seen[0]["region"] == "eu-west-1"
    out["events_delivery.forwarding"] = {"present": not kept, "saw": f"forwarded {seen}"}

    # events_delivery: a scheduled rule and a DISABLED rule receive events
    url, qarn = queue("gap-schedule")
    events.put_rule(Name="gap-schedule", ScheduleExpression="rate(5 minutes)")
    events.put_targets(Rule="gap-schedule", Targets=[{"Id": "q", "Arn": qarn}])
    put({"case": "schedule"})
    out["events_delivery.scheduled_rule"] = {"present": len(received(url)) > 0, "saw": "a scheduled rule's target got an event"}
    events.remove_targets(Rule="gap-schedule", Ids=["q"])
    url, qarn = queue("gap-disabled")
    events.put_rule(Name="gap-disabled", EventPattern=json.dumps({"detail": {"case": ["disabled"]}}), State="DISABLED")
    events.put_targets(Rule="gap-disabled", Targets=[{"Id": "q", "Arn": qarn}])
    put({"case": "disabled"})
    out["events_delivery.disabled_rule"] = {"present": len(received(url)) > 0, "saw": "a DISABLED rule's target got an event"}

    # event_pattern_arrays_of_objects
    url, qarn = queue("gap-arrays")
    events.put_rule(Name="gap-arrays", EventPattern=json.dumps({"detail": {"resources": {"ARN": ["arn:aws:kms:us-east-1:123456789012:key/k"]}}}))
    events.put_targets(Rule="gap-arrays", Targets=[{"Id": "q", "Arn": qarn}])
    put({"resources": [{"ARN": "arn:aws:kms:us-east-1:123456789012:key/k", "type": "AWS::KMS::Key"}]})
    out["event_pattern_arrays_of_objects"] = {"present": len(received(url)) == 0, "saw": "a pattern on detail.resources.ARN matched nothing"}

    # lambda_logging_config
    iam = boto3.client("iam", region_name=region, **kw)
    role = iam.create_role(RoleName="gap-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => {};")
    lam = boto3.client("lambda", region_name=region, **kw)
    lam.create_function(FunctionName="gap-fn", Runtime="nodejs20.x", Role=role, Handler="index.handler", Code={"ZipFile": buf.getvalue()}, LoggingConfig={"LogFormat": "Text", "LogGroup": "/gap"})
    config = lam.get_function_configuration(FunctionName="gap-fn")
    out["lambda_logging_config"] = {"present": "LoggingConfig" not in config, "saw": f"LoggingConfig {config.get('LoggingConfig')}"}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
