// `npm run bench:report`: writes bench/REPORT.md from bench/results/*.json (see lib/render-report.ts).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderReport, reportPaths } from './lib/render-report.ts';

const { resultsDir, reportFile } = reportPaths(import.meta.dirname);
writeFileSync(reportFile, renderReport(resultsDir, import.meta.dirname));
console.log(`-> ${relative(process.cwd(), reportFile)}`);
