"""Deploy the StackSets' templates into a member account of moto the way StackSets would (moto never deploys
StackSet instances into accounts): one roles stack in the home region, one edges stack per region, with
CloudFormation in that account. Then the member's own logging trail in the last region.

Usage: python3 member_stacks.py <endpoint> <member account> <prefix> <home region> <region>...
Prints the member's credentials (JSON) for the caller to act as the member.
"""
import json
import sys

import boto3


def main():
    endpoint, account, prefix, home, regions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    hub = {"endpoint_url": endpoint, "aws_access_key_id": "moto-test-key", "aws_secret_access_key": "moto-test-secret"}
    # moto issues credentials of any account for a role ARN in it (it checks no trust policy).
    c = boto3.client("sts", region_name=home, **hub).assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="e2e-member-admin")["Credentials"]
    member = {"endpoint_url": endpoint, "aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"], "aws_session_token": c["SessionToken"]}
    body = lambda name: boto3.client("cloudformation", region_name=home, **hub).describe_stack_set(StackSetName=name)["StackSet"]["TemplateBody"]  # noqa: E731

    def deploy(name, region, template):
        cfn = boto3.client("cloudformation", region_name=region, **member)
        cfn.create_stack(StackName=f"StackSet-{name}-e2e", TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
        stack = cfn.describe_stacks(StackName=f"StackSet-{name}-e2e")["Stacks"][0]
        if stack["StackStatus"] != "CREATE_COMPLETE":
            raise SystemExit(f"{name} in {region}: {stack['StackStatus']} {stack.get('StackStatusReason', '')}")

    deploy(f"{prefix}-member-roles", home, body(f"{prefix}-member-roles"))
    edges = body(f"{prefix}-member-edges")
    for region in regions:
        deploy(f"{prefix}-member-edges", region, edges)
    region = regions[-1]
    s3 = boto3.client("s3", region_name=region, **member)
    s3.create_bucket(Bucket="member-trail-logs", **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    ct = boto3.client("cloudtrail", region_name=region, **member)
    ct.create_trail(Name="member-trail", S3BucketName="member-trail-logs")
    ct.start_logging(Name="member-trail")
    print(json.dumps({"accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"], "sessionToken": c["SessionToken"]}))


if __name__ == "__main__":
    main()
