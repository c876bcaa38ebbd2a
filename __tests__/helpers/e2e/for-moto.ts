/**
 * The stack's cdk.tf.json, converted so the AWS provider 5.100.0 (the only one mirrored here) applies it to
 * moto. Test-only: what users deploy is the stack as synthesized.
 *
 * - One aliased provider per region, every endpoint at moto, dummy keys. v5 has no per-resource `region`
 *   (a v6 argument), so a resource's region becomes its provider.
 * - A resource with `for_each` over the regions (`${toset(local.regions)}`) becomes one copy per region,
 *   `<name>__<region>` (`each.key`/`each.value` the region), and every reference to it is rewritten: a map
 *   of the copies by region, so `aws_sqs_queue.dlq[each.key].arn` and `for region, r in aws_sqs_queue.dlq`
 *   keep their meaning.
 * - v6 renamed a StackSet instance's target region `stack_set_instance_region`; v5 calls it `region`.
 */
export const MOTO_ACCOUNT = "123456789012";

/** The v5 provider's endpoint keys for every service the stack (or the provider, for STS) calls. */
const SERVICES = ["cloudformation", "cloudtrail", "cloudwatch", "events", "iam", "kms", "lambda", "logs", "organizations", "s3", "secretsmanager", "sns", "sqs", "sts"];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const providerAlias = (region: string) => `r_${region.replace(/-/g, "_")}`;
const copyName = (name: string, region: string) => `${name}__${region.replace(/-/g, "_")}`;

export interface ForMotoOptions {
  /** moto's address, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
}

export function forMoto(synthesized: Json, o: ForMotoOptions): Json {
  const stack: Json = JSON.parse(JSON.stringify(synthesized));
  delete stack["//"];
  stack.terraform.required_providers.aws.version = "5.100.0";
  delete stack.terraform.backend;
  delete stack.terraform.cloud;

  const locals: Record<string, unknown> = stack.locals ?? {};
  const regionLists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(locals)) {
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) regionLists[`\${toset(local.${k})}`] = v as string[];
  }
  const home: string = stack.provider.aws[0].region;
  const regions = [...new Set([home, ...Object.values(regionLists).flat()])];
  const provider = (region: string, alias?: string) => ({
    ...(alias ? { alias } : {}),
    region,
    access_key: "moto-test-key",
    secret_key: "moto-test-secret",
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    s3_use_path_style: true,
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, o.endpoint]))],
  });
  stack.provider = { aws: [provider(home), ...regions.map((r) => provider(r, providerAlias(r)))] };

  // Expand for_each-over-regions resources; note which addresses became maps of copies.
  const expanded = new Map<string, string[]>(); // "type.name" -> regions
  const resources: Record<string, Record<string, Json>> = {};
  for (const [type, byName] of Object.entries<Record<string, Json>>(stack.resource)) {
    resources[type] = {};
    for (const [name, body] of Object.entries<Json>(byName)) {
      const list = typeof body.for_each === "string" ? regionLists[body.for_each] : undefined;
      if (body.for_each !== undefined && !list) throw new Error(`${type}.${name}: for_each ${JSON.stringify(body.for_each)} is not over a list of regions; teach forMoto about it`);
      if (list) {
        expanded.set(`${type}.${name}`, list);
        for (const region of list) {
          const copy = JSON.parse(JSON.stringify(body).replace(/each\.(key|value)/g, `\\"${region}\\"`));
          delete copy.for_each;
          // `region = each.value` places the copy in its region; a literal region (a StackSet instance is
          // created through the home region's API, whatever region it deploys to) stays.
          const own = typeof copy.region === "string" ? /^(?:\$\{"([a-z0-9-]+)"\}|([a-z0-9-]+))$/.exec(copy.region) : null;
          if (typeof copy.region === "string" && !own) throw new Error(`${type}.${name}: region ${copy.region} is an expression forMoto cannot place`);
          const at = own ? (own[1] ?? own[2]) : undefined;
          delete copy.region;
          resources[type][copyName(name, region)] = placed(type, copy, at);
        }
      } else {
        resources[type][name] = placed(type, body, typeof body.region === "string" ? body.region : undefined);
      }
    }
  }
  stack.resource = resources;
  // References to expanded resources: depends_on lists every copy; expressions see a map by region.
  const rewrite = (text: string): string => {
    for (const [address, list] of expanded) {
      const [type, name] = address.split(".");
      const map = `{${list.map((r) => `"${r}"=${type}.${copyName(name, r)}`).join(",")}}`;
      text = text.replace(new RegExp(`(?<![\\w.-])${type}\\.${name}(?![\\w-])`, "g"), map);
    }
    return text;
  };
  const walk = (v: Json, key?: string): Json => {
    if (key === "depends_on" && Array.isArray(v)) {
      return v.flatMap((d: string) => {
        const list = expanded.get(d);
        return list ? list.map((r) => `${d.split(".")[0]}.${copyName(d.split(".")[1], r)}`) : [d];
      });
    }
    if (typeof v === "string") return v.includes("${") ? rewrite(v) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  for (const section of ["resource", "output", "locals"]) if (stack[section]) stack[section] = walk(stack[section]);
  return stack;
}

/** The resource in its region: that region's provider, no `region` argument (v5 has none). */
function placed(type: string, body: Json, region: string | undefined): Json {
  const out = { ...body };
  if (typeof out.region === "string" && out.region.includes("${")) throw new Error(`${type}: region ${out.region} is an expression forMoto cannot place`);
  delete out.region;
  if (region) out.provider = `aws.${providerAlias(region)}`;
  if (type === "aws_cloudformation_stack_set_instance" && out.stack_set_instance_region !== undefined) {
    out.region = out.stack_set_instance_region;
    delete out.stack_set_instance_region;
  }
  return out;
}
