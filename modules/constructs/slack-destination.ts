import { Construct } from "constructs";
import { CloudwatchEventApiDestination, CloudwatchEventConnection, SecretsmanagerSecret, SecretsmanagerSecretVersion } from "../aws";
import { ref, TerraformVariable, Token } from "../cdk";
import type { TrailguardConfig } from "../config";
import type { Home } from "./regional";

export interface SlackDestinationProps {
  readonly home: Home;
  /** The config's Slack mode: the one variable it needs is declared here. */
  readonly slack: NonNullable<TrailguardConfig["slack"]> | SlackVariables;
  readonly namePrefix: string;
  /** Tags of the probe's secret. */
  readonly tags?: Readonly<Record<string, string>>;
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

/** The secret the heartbeat reads the bot token from, to test it with Slack's auth.test (lambda-src/lib/slack-probe.ts). */
export const slackProbeSecretName = (namePrefix: string) => `${namePrefix}-slack-probe`;

/**
 * Who may read the probe's secret: its ARN is the name, a hyphen and six random characters (AWS Secrets
 * Manager API Reference, CreateSecret, "ARN": "The ARN includes the name of the secret followed by six
 * random characters", https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html),
 * so `-??????` matches it and no secret whose name merely starts with it.
 */
export const slackProbeSecretArnLike = (region: string, account: string, namePrefix: string) =>
  `arn:aws:secretsmanager:${region}:${account}:secret:${slackProbeSecretName(namePrefix)}-??????`;

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
  /**
   * The bot token's copy for the heartbeat's probe (`<prefix>-slack-probe`); none for an incoming webhook (in
   * the module: created when slack_channel is set). Its value, the version, is what the heartbeat waits for.
   */
  readonly probe?: { readonly secret: SecretsmanagerSecret; readonly version: SecretsmanagerSecretVersion };

  constructor(scope: Construct, id: string, props: SlackDestinationProps) {
    super(scope, id);
    const { home } = props;
    if ("token" in props.slack) {
      [this.connection, this.apiDestination] = this.eitherMode(props, props.slack);
      // Only chat.postMessage has a token to probe: counted on the channel being set.
      this.probe = this.probeSecret(props, Token.asString(ref(props.slack.token)), `${props.slack.channel} == null ? 0 : 1`);
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
    if (!webhook) this.probe = this.probeSecret(props, this.secret.stringValue);
  }

  /**
   * The bot token, a second time, in a Secrets Manager secret of trailguard's own that only the heartbeat's
   * role is given (secretsmanager:GetSecretValue on this secret alone). Not the connection's secret
   * (`events!connection/<name>/...`): AWS documents that EventBridge keeps the credentials there but not the
   * layout of the value (see lambda-src/lib/slack-probe.ts). The value comes from the same sensitive variable,
   * so a new token reaches both at the same apply; it is in no Lambda environment, log or output. Encrypted
   * with the account's AWS managed key `aws/secretsmanager`, whose key policy lets Secrets Manager use it for
   * any principal of the account allowed to call Secrets Manager (AWS Secrets Manager User Guide, "Secret
   * encryption and decryption", https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html):
   * the heartbeat needs no KMS permission. Terraform's state holds the token already (the connection's
   * `auth_parameters`), so `secret_string` adds no copy there.
   */
  private probeSecret(props: SlackDestinationProps, token: string, count?: string): NonNullable<SlackDestination["probe"]> {
    const secret = new SecretsmanagerSecret(this, "probe_secret", {
      region: props.home.region,
      count: count ? Token.asNumber(ref(count)) : undefined,
      name: slackProbeSecretName(props.namePrefix),
      description: "trailguard: the Slack bot token, for the heartbeat's auth.test probe (a copy of the EventBridge connection's; only the heartbeat role reads it)",
      // Deleted at once on destroy, so the same prefix can be deployed again: with a recovery window the name
      // stays taken until the window ends ("0 to force deletion without recovery", Terraform AWS provider,
      // aws_secretsmanager_secret, recovery_window_in_days,
      // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret).
      recoveryWindowInDays: 0,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    secret.overrideLogicalId("slack_probe");
    const version = new SecretsmanagerSecretVersion(this, "probe_secret_version", {
      region: props.home.region,
      count: count ? Token.asNumber(ref(count)) : undefined,
      secretId: count ? Token.asString(ref("aws_secretsmanager_secret.slack_probe[count.index].id")) : secret.id,
      secretString: token,
    });
    version.overrideLogicalId("slack_probe");
    return { secret, version };
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
