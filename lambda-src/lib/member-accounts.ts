import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { bounded, clientCache, type Clients } from "./aws";
import { clientOptions, type Clock } from "./budget";

/**
 * `clients` that can also act in an organization's member account (Clients.inAccount): sts:AssumeRole of
 * the member role, then CloudTrail clients signed with that session. Only the remediate Lambda imports
 * this file, so the heartbeat's bundle carries no STS client.
 */
export function withMemberAccounts(clients: Clients, lambdaRegion: string, clock: Clock): Clients {
  const once = clientCache();
  return {
    ...clients,
    inAccount: async (account, role, sessionName) => {
      const sts = once("sts", () => bounded(new STSClient(clientOptions(lambdaRegion)), clock));
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${role}`, RoleSessionName: sessionName, DurationSeconds: 900 }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${role} in ${account} returned no credentials`);
      const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      const member = clientCache();
      return { ...clients, cloudTrail: (region) => member(`${account}:${region}`, () => bounded(new CloudTrailClient({ ...clientOptions(region), credentials }), clock)) };
    },
  };
}
