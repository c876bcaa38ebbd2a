/**
 * Bundle-time stand-in for @aws-sdk/credential-provider-node (esbuild `alias`, scripts/build-lambdas.ts).
 *
 * The SDK's default chain also bundles SSO, INI-file, login, process, web-identity and IMDS providers and
 * the nested STS/SSO clients they use: about 90 KB of the 360 KB bundle, none of which can run in Lambda.
 * The Lambda runtime always supplies the execution role's credentials as environment variables, which is
 * all this provider reads. Unit tests run the real SDK chain; the real-HTTP test runs this bundle.
 */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const defaultProvider = () => async (): Promise<Credentials> => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw Object.assign(new Error("no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"), {
      name: "CredentialsProviderError",
    });
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
};
