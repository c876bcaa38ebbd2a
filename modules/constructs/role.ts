import { Construct } from "constructs";
import { IamRole, IamRolePolicy } from "../aws";
import { Fn } from "../cdk";
import type { PolicyDocument } from "../iam/policy";

export interface RoleProps {
  /** Terraform logical name of the role and its policy: aws_iam_role.<logicalName>. */
  readonly logicalName: string;
  /** Role name in IAM. */
  readonly name: string;
  readonly description: string;
  readonly trust: PolicyDocument;
  /** Name of the one inline policy. */
  readonly policyName: string;
  /** The document, or its JSON already rendered (the module's choice between two documents at plan). */
  readonly policy: PolicyDocument | string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM role (global) with its trust policy and one inline policy, both from pure builders. */
export class Role extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: Fn.jsonencode(props.trust),
      tags: { ...props.tags },
    });
    this.role.overrideLogicalId(props.logicalName);
    this.policy = new IamRolePolicy(this, "policy", {
      name: props.policyName,
      role: this.role.id,
      policy: typeof props.policy === "string" ? props.policy : Fn.jsonencode(props.policy),
    });
    this.policy.overrideLogicalId(props.logicalName);
  }
}
