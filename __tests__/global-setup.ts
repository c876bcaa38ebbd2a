import { buildLambdas } from "../scripts/build-lambdas";

/** Bundle the Lambdas once for every test file (synth zips them; the HTTP test runs them). */
export default function globalSetup(): void {
  buildLambdas();
}
