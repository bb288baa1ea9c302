// bench/alternatives-mxc.mjs: print, one per line, the command MXC's SDK
// would run for COMMAND under the benchmark's policy (read the project,
// write one directory, no network), so the benchmark can time the sandbox
// itself, as it does for the other tools (node's own start-up excluded).
// usage: node alternatives-mxc.mjs SDK_DIR PROJECT OUTDIR COMMAND...
const [sdkDir, project, outdir, ...cmd] = process.argv.slice(2);
const sdk = await import(sdkDir + '/dist/index.js');
const helper = await import(sdkDir + '/dist/helper.js');
const tools = sdk.getAvailableToolsPolicy(process.env);
const config = sdk.createConfigFromPolicy(
	{
		version: '0.6.0-alpha',
		filesystem: {
			readonlyPaths: [...tools.readonlyPaths, project],
			readwritePaths: [outdir],
		},
		network: { allowOutbound: false },
		timeoutMs: 30000,
	},
	'process',
);
config.process.commandLine = cmd.join(' ');
const { executablePath, args } = helper.resolveExecutableAndArgs(config, {});
for (const a of [executablePath, ...args]) console.log(a);
