// Validates Argo CD and KEDA resources (JSON list on stdin) against the @kubernetes-models schemas,
// which are generated from the projects' CRDs. Prints one line per invalid resource; exits 1 if any.
//   node tests/infra/validate_crs.mjs .tools/kube-models < docs.json
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const MODELS = {
  "argoproj.io/v1alpha1": "argo-cd/argoproj.io/v1alpha1",
  "keda.sh/v1alpha1": "keda/keda.sh/v1alpha1",
};
const root = resolve(process.argv[2], "node_modules/@kubernetes-models");
const docs = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const doc of docs) {
  const where = `${doc.kind}/${doc.metadata?.name}`;
  const base = MODELS[doc.apiVersion];
  if (!base) {
    console.log(`${where}: no schema for ${doc.apiVersion}`);
    failed++;
    continue;
  }
  try {
    const module = await import(pathToFileURL(`${root}/${base}/${doc.kind}.js`).href);
    new module[doc.kind](doc).validate();
  } catch (error) {
    console.log(`${where}: ${error.message}`);
    failed++;
  }
}
console.log(`${docs.length - failed}/${docs.length} valid`);
process.exit(failed ? 1 : 0);
