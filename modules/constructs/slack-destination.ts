import { Construct } from "constructs";
import { CloudwatchEventApiDestination, CloudwatchEventConnection } from "../aws";
import { ref, TerraformVariable, Token } from "../cdk";
import type { TrailguardConfig } from "../config";
import type { Home } from "./regional";

export interface SlackDestinationProps {
  readonly home: Home;
  /** The config's Slack mode: the one variable it needs is declared here. */
  readonly slack: NonNullable<TrailguardConfig["slack"]> | SlackVariables;
  readonly namePrefix: string;
}

/**
 * The generated module's Slack variables, as HCL (`var.slack_channel`, ...): the mode is chosen at plan,
 * chat.postMessage when the channel is set, the incoming webhook when it is null.
 */
export interface SlackVariables {
  readonly channel: string;
  readonly token: string;
  readonly webhookUrl: string;
}

/** chat.postMessage: the channel goes in the body, the bot token in the Authorization header. */
export const SLACK_POST_MESSAGE_URL = "https://slack.com/api/chat.postMessage";

/**
 * The Slack endpoint as one EventBridge connection and one API destination, in the hub's region (the hub's
 * rules are its only callers). The secret is a sensitive Terraform variable, supplied at plan time: it
 * never appears in the config file, cdk.tf.json or outputs, and AWS holds one copy of it.
 */
export class SlackDestination extends Construct {
  readonly connection: CloudwatchEventConnection;
  readonly apiDestination: CloudwatchEventApiDestination;
  /** The Terraform variable holding the secret: `slack_token` or `slack_webhook_url` (none: the module declares both). */
  readonly secret?: TerraformVariable;

  constructor(scope: Construct, id: string, props: SlackDestinationProps) {
    super(scope, id);
    const { home } = props;
    if ("token" in props.slack) {
      [this.connection, this.apiDestination] = this.eitherMode(props, props.slack);
      return;
    }
    const webhook = props.slack.incomingWebhook === true;

    this.secret = webhook
      ? new TerraformVariable(this, "slack_webhook_url", {
          type: "string",
          sensitive: true,
          nullable: false,
          description:
            "Slack incoming webhook URL (https://hooks.slack.com/services/...). Secret: anyone holding it can post to the channel. Supply it with TF_VAR_slack_webhook_url or a sensitive Terraform Cloud variable.",
        })
      : new TerraformVariable(this, "slack_token", {
          type: "string",
          sensitive: true,
          nullable: false,
          description:
            "Slack bot token (xoxb-...) with the chat:write scope. Supply it with TF_VAR_slack_token or a sensitive Terraform Cloud variable.",
        });
    this.secret.overrideLogicalId(webhook ? "slack_webhook_url" : "slack_token");

    this.connection = new CloudwatchEventConnection(this, "connection", {
      region: home.region,
      name: `${props.namePrefix}-slack`,
      description: webhook
        ? "trailguard: Slack incoming webhook (the URL is the secret; this header is not)"
        : "trailguard: Slack bot token for chat.postMessage",
      authorizationType: "API_KEY",
      authParameters: {
        // An incoming webhook authenticates by its URL; EventBridge still requires an auth type, so it
        // gets a harmless identifying header.
        apiKey: webhook
          ? { key: "X-Trailguard-Source", value: "trailguard" }
          : { key: "Authorization", value: `Bearer ${this.secret.stringValue}` },
      },
    });
    this.connection.overrideLogicalId("slack");

    this.apiDestination = new CloudwatchEventApiDestination(this, "api_destination", {
      region: home.region,
      name: `${props.namePrefix}-slack`,
      description: webhook ? "trailguard: Slack incoming webhook" : "trailguard: Slack chat.postMessage",
      connectionArn: this.connection.arn,
      httpMethod: "POST",
      invocationEndpoint: webhook ? this.secret.stringValue : SLACK_POST_MESSAGE_URL,
      // Slack accepts about one message per second per channel; EventBridge queues the rest.
      invocationRateLimitPerSecond: 1,
      // https only. Not a variable `validation` block: Terraform 1.11 prints the variable's value in a
      // failed validation's diagnostic even when it is sensitive; a precondition names no value.
      lifecycle: webhook
        ? {
            precondition: [
              {
                condition: `\${startswith(${this.secret.fqn}, "https://")}`,
                errorMessage: "slack_webhook_url must be an https:// URL (its value is not shown: it is a secret).",
              },
            ],
          }
        : undefined,
    });
    this.apiDestination.overrideLogicalId("slack");
  }

  /** Both modes, picked at plan by whether the channel is null; the secrets are checked by preconditions. */
  private eitherMode(props: SlackDestinationProps, v: SlackVariables): [CloudwatchEventConnection, CloudwatchEventApiDestination] {
    const hcl = (e: string) => Token.asString(ref(e));
    const webhook = `${v.channel} == null`;
    // Not variable `validation` blocks: Terraform 1.11 prints a variable's value in a failed validation's
    // diagnostic even when it is sensitive; a precondition names no value. Each condition guards its null.
    // On the connection: it reads the token first, so a missing one fails here, with this message.
    const precondition = [
      { condition: hcl(`${v.channel} != null || ${v.webhookUrl} != null`), errorMessage: "Set slack_channel (and slack_token) for chat.postMessage, or slack_webhook_url for an incoming webhook." },
      { condition: hcl(`${v.channel} == null || ${v.webhookUrl} == null`), errorMessage: "Set slack_channel or slack_webhook_url, not both: the webhook posts to its own channel." },
      { condition: hcl(`${webhook} ? true : (${v.token} != null ? length(${v.token}) > 0 : false)`), errorMessage: "slack_channel is set, so slack_token (a bot token with chat:write) is needed too." },
      {
        condition: hcl(`${v.webhookUrl} == null ? true : startswith(${v.webhookUrl}, "https://")`),
        errorMessage: "slack_webhook_url must be an https:// URL (its value is not shown: it is a secret).",
      },
    ];
    const connection = new CloudwatchEventConnection(this, "connection", {
      region: props.home.region,
      lifecycle: { precondition },
      name: `${props.namePrefix}-slack`,
      description: "trailguard: Slack, a bot token for chat.postMessage or an incoming webhook (whose URL is the secret)",
      authorizationType: "API_KEY",
      authParameters: {
        apiKey: {
          key: hcl(`${webhook} ? "X-Trailguard-Source" : "Authorization"`),
          value: hcl(`${webhook} ? "trailguard" : "Bearer \${${v.token}}"`),
        },
      },
    });
    connection.overrideLogicalId("slack");
    const apiDestination = new CloudwatchEventApiDestination(this, "api_destination", {
      region: props.home.region,
      name: `${props.namePrefix}-slack`,
      description: "trailguard: Slack (chat.postMessage, or the incoming webhook)",
      connectionArn: connection.arn,
      httpMethod: "POST",
      invocationEndpoint: hcl(`${webhook} ? ${v.webhookUrl} : "${SLACK_POST_MESSAGE_URL}"`),
      invocationRateLimitPerSecond: 1,
    });
    apiDestination.overrideLogicalId("slack");
    return [connection, apiDestination];
  }
}
