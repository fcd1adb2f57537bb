#!/usr/bin/env node
// Entry point of the `tally` command. It runs the CLI from a bundle of src/ (see cli-bundle.mjs),
// or through the tsx loader where no bundle can be made or TALLY_CLI_BUNDLE=0 asks for it.
import { cliBundle } from './cli-bundle.mjs';

const bundle = process.env.TALLY_CLI_BUNDLE === '0' ? undefined : await cliBundle();
let cli;
if (bundle !== undefined) cli = await import(bundle.url.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli/main.ts');
}
await cli.main(process.argv);
