// bench/alternatives-srt-macos.mjs: generate the macOS Seatbelt profile
// sandbox-runtime would use for the benchmark's settings, with srt's own
// generator (it runs anywhere: it only builds text), N times in one process.
// Prints the mean generation time (ms) and writes the profile to OUT.
// usage: node alternatives-srt-macos.mjs SRT_DIR PROJECT OUTDIR N OUT.sb
import { writeFileSync } from 'node:fs';
const [srtDir, project, outdir, n, outFile] = process.argv.slice(2);
const mac = await import(srtDir + '/dist/sandbox/macos-sandbox-utils.js');
const params = {
	command: 'true',
	needsNetworkRestriction: true,
	httpProxyPort: 3128,
	socksProxyPort: 1080,
	readConfig: { denyOnly: [] },
	writeConfig: { allowOnly: [outdir], denyWithinAllow: [] },
	allowUnixSockets: [],
	allowLocalBinding: false,
};
let cmd = mac.wrapCommandWithSandboxMacOS(params); // warm-up
const t0 = process.hrtime.bigint();
for (let i = 0; i < Number(n); i++) cmd = mac.wrapCommandWithSandboxMacOS(params);
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / Number(n);
// the profile is the argument of sandbox-exec -p '...'
const m = cmd.match(/-p '([\s\S]*?)'(?= )/) || cmd.match(/(\(version 1\)[\s\S]*)/);
const profile = m ? m[1].replace(/'\\''/g, "'") : cmd;
writeFileSync(outFile, profile);
console.log(ms.toFixed(4));
