// `npm run lint`: typescript-eslint's recommended rules everywhere, and Pulumi's own rules, which
// need type information, on the code that handles Pulumi outputs.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/", "stack/builders/scripts/summarize.js", "stack/schemas/dynamo/*.ts", "examples/", "manifests/"] },
  ...tseslint.configs.recommended,
  // CommonJS on purpose: the CLI's launcher, the Pulumi loader shim and the TypeScript hook run before any compiler.
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // Each command loads its modules only when it runs (see cli/program.ts), which needs require().
  { files: ["cli/program.ts"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  // Tests look into parsed YAML and JSON whose shape is what they assert.
  { files: ["tests/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  {
    files: ["stack/index.ts", "stack/outputs.ts", "stack/components/**/*.ts", "stack/hooks/*.ts"],
    plugins: { "@pulumi": pulumi },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
);
