"""moto's server (moto 5.2.1, an AWS emulator we did not write), with test-only patches where moto departs
from behaviour AWS documents. Each patch names the documentation it restores. `--stock` starts moto as it
is: the e2e suite asserts each gap is still there, so a patch is dropped the day moto fixes it.

Usage: python3 moto_server.py --port N [--stock]     (binds 127.0.0.1 only)

Nothing here ships: the stack and the Lambdas under test are the ones users deploy.
"""
import argparse
import datetime
import json
import sys

OBSERVED_QUEUE = "trailguard-e2e-observed"


def cloudtrail_trail_by_arn():
    """StartLogging, StopLogging and DeleteTrail take "the name or the CloudTrail ARN of the trail"
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartLogging.html,
    .../API_StopLogging.html, .../API_DeleteTrail.html). moto looks the ARN up as a name (KeyError, HTTP 500)."""
    from moto.cloudtrail.models import CloudTrailBackend

    def start_logging(self, name):
        self.get_trail(name).start_logging()

    def stop_logging(self, name):
        self.get_trail(name).stop_logging()

    original_delete = CloudTrailBackend.delete_trail

    def delete_trail(self, name):
        original_delete(self, self.get_trail(name).trail_name)

    CloudTrailBackend.start_logging = start_logging
    CloudTrailBackend.stop_logging = stop_logging
    CloudTrailBackend.delete_trail = delete_trail


def cloudtrail_describe_trails_by_name():
    """DescribeTrails returns the trails of `trailNameList`, "a list of trail names, trail ARNs, or both, of
    the trails to describe" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html);
    moto ignores the list and returns every trail, so a caller reading the first entry gets another trail."""
    from moto.cloudtrail.responses import CloudTrailResponse

    def describe_trails(self):
        include_shadow_trails = self._get_bool_param("includeShadowTrails", True)
        wanted = self._get_param("trailNameList") or []
        trails = self.cloudtrail_backend.describe_trails(include_shadow_trails)
        if wanted:
            trails = [t for t in trails if t.trail_name in wanted or t.arn in wanted]
        return json.dumps({"trailList": [t.description(include_region=True) for t in trails]})

    CloudTrailResponse.describe_trails = describe_trails


def cloudtrail_default_event_selectors():
    """A new trail logs all management events: "By default, trails ... log management events"
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html),
    and GetEventSelectors shows it as one selector, ReadWriteType All, IncludeManagementEvents true
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html). moto starts
    with no selector, which reads as "management events are not recorded"."""
    from moto.cloudtrail.models import Trail

    init = Trail.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if not self.event_selectors and not self.advanced_event_selectors:
            self.event_selectors = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]

    Trail.__init__ = __init__


def _resolve(event, path):
    """`$.detail.userIdentity.arn`, `$.resources[0]`: the JSONPath subset EventBridge documents."""
    import re

    if path == "$":
        return event, True
    cur = event
    for segment in path[2:].split("."):
        m = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", segment)
        keys = [m.group(1)] + [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
        for k in keys:
            if isinstance(cur, dict) and isinstance(k, str) and k in cur:
                cur = cur[k]
            elif isinstance(cur, list) and isinstance(k, int) and k < len(cur):
                cur = cur[k]
            else:
                return None, False
    return cur, True


def render_input(transformer, event):
    """The target input as text, as "Transforming Amazon EventBridge target input" documents it
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html): a placeholder
    inside a quoted string gets a string's raw text ("Simple string" example; "EventBridge doesn't escape
    values extracted by Input Path"), a placeholder at a value position gets the value as JSON ("Simple
    JSON": {"instance" : "i-0123456789"}), and a path missing from the event "isn't created and won't appear
    in the output". moto pastes every string raw (an unquoted string placeholder yields invalid JSON, HTTP
    500) and leaves a missing path's placeholder as literal text. No transformer: the event as JSON."""
    if not transformer:
        return json.dumps(event)
    paths = transformer.get("InputPathsMap", {}) or {}
    template = transformer.get("InputTemplate")
    values = {}
    for name, path in paths.items():
        value, found = _resolve(event, path)
        if found:
            values[name] = value
    import re

    out = []
    in_string = False
    i = 0
    while i < len(template):
        c = template[i]
        if in_string and c == "\\":
            out.append(template[i : i + 2])
            i += 2
            continue
        if c == '"':
            in_string = not in_string
            out.append(c)
            i += 1
            continue
        if c == "<":
            m = re.match(r"<([A-Za-z0-9_.-]+)>", template[i:])
            if m and m.group(1) in paths:
                name = m.group(1)
                if name in values:
                    v = values[name]
                    out.append(v if in_string and isinstance(v, str) else json.dumps(v, separators=(",", ":")))
                i += len(m.group(0))
                continue
        out.append(c)
        i += 1
    return "".join(out)


def events_delivery():
    """One patch for EventBridge's delivery, which moto reimplements in Rule.send_to_targets:
    - a scheduled rule matches no event: it runs on its schedule ("ScheduleExpression: The scheduling
      expression", a rule has an event pattern or a schedule, .../API_PutRule.html); moto sends every event
      through it (an empty pattern matches all).
    - a DISABLED rule matches nothing ("DISABLED: The rule is disabled. EventBridge does not match any
      events", https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html); moto routes it.
    - bus-to-bus: the receiving bus gets the same event, its `account` and `region` those of the sender
      ("account: The 12-digit number identifying an AWS account", "region: Identifies the AWS Region where
      the event originated", https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html;
      rules in the receiving account match on the sender's account,
      https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html). moto re-sends the
      default-template rendering through PutEvents: region and account re-stamped, `account` dropped.
    - Lambda functions, SNS topics and API destinations, which moto cannot deliver to (NotImplementedError:
      the whole PutEvents call fails with HTTP 500, the sender's too): the rendered input goes instead to
      the SQS queue `trailguard-e2e-observed` of the rule's account and region, with the rule and target,
      where the suite reads what Lambda, SNS or Slack would have received.
    - input transformers: render_input above.
    - `time` is an ISO 8601 string ("time: The event timestamp", e.g. "2017-12-22T18:43:48Z", in the event
      structure page above); moto stamps a Unix float.
    """
    from moto.events import models as events_models
    from moto.events.models import EventPattern, Rule, events_backends
    from moto.sqs import sqs_backends
    from moto.utilities.arns import parse_arn

    def observe(rule, target, body):
        sqs = sqs_backends[rule.account_id][rule.region_name]
        if OBSERVED_QUEUE not in sqs.queues:
            sqs.create_queue(OBSERVED_QUEUE)
        message = {"rule": rule.name, "bus": rule.event_bus_name, "targetId": target["Id"], "targetArn": target["Arn"], "input": body}
        sqs.send_message(queue_name=OBSERVED_QUEUE, message_body=json.dumps(message))

    def deliver_to_bus(arn, event):
        backend = events_backends[arn.account][arn.region]
        bus = backend.describe_event_bus(arn.resource_id)
        for rule in list(bus.rules.values()):
            rule.send_to_targets(json.loads(json.dumps(event)))

    original = Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        if isinstance(original_event.get("time"), (int, float)):
            stamp = datetime.datetime.fromtimestamp(original_event["time"], datetime.timezone.utc)
            original_event["time"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.state != "ENABLED" or self.scheduled_expression or not self.event_pattern.matches_event(original_event):
            return
        for target in self.targets:
            arn = parse_arn(target["Arn"])
            if arn.service == "events" and arn.resource_type == "event-bus":
                deliver_to_bus(arn, original_event)
            elif arn.service in ("lambda", "sns") or (arn.service == "events" and arn.resource_type == "api-destination"):
                observe(self, target, render_input(target.get("InputTransformer"), original_event))
            elif arn.service == "sqs":
                body = render_input(target.get("InputTransformer"), original_event)
                sqs_backends[self.account_id][self.region_name].send_message(queue_name=arn.resource_id, message_body=body)
            else:
                original(self, original_event, transform_input)

    Rule.send_to_targets = send_to_targets


def event_pattern_arrays_of_objects():
    """An array of objects in the event: each element's fields are values of the same path ("Matching on
    arrays": https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html; a
    pattern `{"resources": [{"ARN": [...]}]}` is written `{"resources": {"ARN": [...]}}`). moto keeps the
    array as one opaque value, so `detail.resources.ARN` never matches."""
    from moto.events.models import EventPattern

    def flatten(node, prefix="", result=None):
        if result is None:
            result = {}
        if isinstance(node, dict):
            for k, v in node.items():
                key = f"{prefix}.{k}" if prefix else k
                if isinstance(v, dict) and v:
                    flatten(v, key, result)
                elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
                    for x in v:
                        if isinstance(x, dict):
                            inner = flatten(x, key, {})
                            for ik, iv in inner.items():
                                values = iv if isinstance(iv, list) else [iv]
                                result.setdefault(ik, [])
                                result[ik] = result[ik] + values
                else:
                    result[key] = v
        return result

    EventPattern._flatten_dict = staticmethod(flatten)


def lambda_logging_config():
    """GetFunction and GetFunctionConfiguration return the function's LoggingConfig (LogFormat, LogGroup,
    https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html#API_GetFunctionConfiguration_ResponseSyntax);
    moto drops it, so every plan after apply shows `logging_config` being added back."""
    from moto.awslambda.models import LambdaFunction

    init = LambdaFunction.__init__
    get_configuration = LambdaFunction.get_configuration
    update_configuration = LambdaFunction.update_configuration

    def __init__(self, account_id, spec, region, version=1):
        init(self, account_id, spec, region, version)
        self.logging_config = spec.get("LoggingConfig")

    def configuration(self, *args, **kwargs):
        config = get_configuration(self, *args, **kwargs)
        if getattr(self, "logging_config", None):
            config["LoggingConfig"] = self.logging_config
        return config

    def update(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.logging_config = config_updates["LoggingConfig"]
        return update_configuration(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = configuration
    LambdaFunction.update_configuration = update


PATCHES = [cloudtrail_trail_by_arn, cloudtrail_describe_trails_by_name, cloudtrail_default_event_selectors, events_delivery, event_pattern_arrays_of_objects, lambda_logging_config]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stock", action="store_true")
    args = parser.parse_args()
    if not args.stock:
        for patch in PATCHES:
            patch()
    from moto.server import main as moto_main

    print(f"trailguard-e2e moto {'stock' if args.stock else 'patched'} on 127.0.0.1:{args.port}", flush=True)
    moto_main(["-H", "127.0.0.1", "-p", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
