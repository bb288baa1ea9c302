# tests/appcontainer/smoke.ps1: run by hand on a Windows machine (nothing in
# CI can: Wine has no AppContainer). For every committed example profile
# (examples/out/*.appcontainer.json) it runs a few everyday commands under
# sbx-launch.exe, then checks that the launcher left nothing behind.
#
#   powershell -ExecutionPolicy Bypass -File tests\appcontainer\smoke.ps1 `
#       -Launcher build\runtime\windows\sbx-launch.exe [-Project C:\src\some-repo] [-Only agent-tool]
#
# Per example x command it prints one line: PASS, FAIL (the launcher could
# not apply the sandbox: 126, or a start-up failure such as 0xC0000022 /
# 0xC0000142, which is what a missing grant looks like) or SKIP (the tool is
# not installed), and then:
#   - a denial check: reading %USERPROFILE%\.ssh must fail where the policy
#     denies it, and writing outside the grants must fail;
#   - the ACL of the project directory is the same before and after (icacls);
#   - no journal is left in %LOCALAPPDATA%\sbxc.
# Send the whole output (and smoke.log beside it) with a report.
param(
	[Parameter(Mandatory = $true)][string]$Launcher,
	[string]$Project = (Get-Location).Path,
	[string]$Only = ''
)
$ErrorActionPreference = 'Continue'
$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$log = Join-Path $PSScriptRoot 'smoke.log'
Set-Content -Path $log -Value "sbxc Windows smoke $(Get-Date -Format o) on $([Environment]::OSVersion.VersionString)"
$pass = 0; $fail = 0; $skip = 0

function Have([string]$exe) { return [bool](Get-Command $exe -ErrorAction SilentlyContinue) }

# name, program, arguments, the tool that must exist (or '')
$commands = @(
	@('true', 'cmd.exe', @('/d', '/c', 'exit 0'), ''),
	@('ls', 'cmd.exe', @('/d', '/c', 'dir /b'), ''),
	@('python', 'python.exe', @('-c', 'pass'), 'python.exe'),
	@('git-status', 'git.exe', @('status', '--short'), 'git.exe'),
	@('cc', 'cl.exe', @('/?'), 'cl.exe'),
	@('clang', 'clang.exe', @('--version'), 'clang.exe'),
	@('node', 'node.exe', @('-e', '0'), 'node.exe'),
	@('batch', "$PSScriptRoot\smoke-echo.cmd", @('two words', 'x&y'), ''),
	@('shell', 'cmd.exe', @('/d', '/k', 'echo interactive: type exit'), '')
)

# A tiny batch file: .cmd files go through cmd.exe /d /s /v:off /c.
Set-Content -Path "$PSScriptRoot\smoke-echo.cmd" -Value "@echo off`r`necho arg1=[%~1] arg2=[%~2]"

# Every param without a value gets a scratch directory of its own.
function ParamArgs([string]$prof) {
	$a = @('--param', "PROJECT=$Project", '--cwd', $Project)
	$json = Get-Content $prof -Raw | ConvertFrom-Json
	foreach ($pm in $json.params) {
		if ($pm.name -eq 'PROJECT' -or $pm.value -ne $null) { continue }
		$dir = Join-Path $env:TEMP "sbxc-smoke\$($pm.name)"
		New-Item -ItemType Directory -Force -Path $dir | Out-Null
		$a += @('--param', "$($pm.name)=$dir")
	}
	return $a
}

function Launch([string]$prof, [string]$program, [string[]]$arguments) {
	$full = $program
	$found = Get-Command $program -ErrorAction SilentlyContinue
	if ($found) { $full = $found.Source }
	$a = (ParamArgs $prof) + @($prof, '--', $full) + $arguments
	$out = & $Launcher @a 2>&1
	$code = $LASTEXITCODE
	Add-Content -Path $log -Value ("[{0}] {1} {2} -> {3}`n{4}" -f (Split-Path -Leaf $prof), $program, ($arguments -join ' '), $code, ($out | Out-String))
	return $code
}

$before = (icacls $Project | Out-String)
foreach ($p in Get-ChildItem (Join-Path $root 'examples\out\*.appcontainer.json')) {
	$name = $p.Name -replace '\.appcontainer\.json$', ''
	if ($Only -and $name -ne $Only) { continue }
	# What the launcher would do (and whether it refuses this machine's values).
	$pa = (ParamArgs $p.FullName) + @('--plan', $p.FullName, '--', 'cmd.exe')
	& $Launcher @pa 2>&1 | Add-Content -Path $log
	foreach ($c in $commands) {
		$label = "$name/$($c[0])"
		if ($c[3] -and -not (Have $c[3])) { Write-Output "SKIP $label ($($c[3]) not installed)"; $skip++; continue }
		if ($c[0] -eq 'shell' -and -not [Environment]::UserInteractive) { Write-Output "SKIP $label (not interactive)"; $skip++; continue }
		$code = Launch $p.FullName $c[1] $c[2]
		# 126: the sandbox could not be applied; NTSTATUS start-up failures
		# (access denied 0xC0000022, DLL init 0xC0000142, 0xC0000135) mean a
		# grant is missing. Other codes are the tool's own answer.
		if ($code -eq 126 -or $code -eq 127 -or $code -eq -1073741790 -or $code -eq -1073741502 -or $code -eq -1073741515) {
			Write-Output ("FAIL {0} (exit {1}; see smoke.log)" -f $label, $code); $fail++
		} else {
			Write-Output ("PASS {0} (exit {1})" -f $label, $code); $pass++
		}
	}
	# Denials: the secret stays unreadable wherever the policy denies ~/.ssh,
	# and nothing outside the grants is writable.
	$json = Get-Content $p.FullName -Raw | ConvertFrom-Json
	$ssh = $json.files | Where-Object { $_.path -eq '%USERPROFILE%\.ssh' -and $_.ace -eq 'deny' }
	if ($ssh -and (Test-Path "$env:USERPROFILE\.ssh")) {
		$code = Launch $p.FullName 'cmd.exe' @('/d', '/c', "dir /b `"$env:USERPROFILE\.ssh`"")
		if ($code -ne 0) { Write-Output "PASS $name/deny-ssh"; $pass++ } else { Write-Output "FAIL $name/deny-ssh (listed ~/.ssh)"; $fail++ }
	}
	$outside = Join-Path $env:USERPROFILE "sbxc-smoke-$name.txt"
	$code = Launch $p.FullName 'cmd.exe' @('/d', '/c', "echo x> `"$outside`"")
	if (Test-Path $outside) { Write-Output "FAIL $name/deny-write-home (wrote $outside)"; $fail++; Remove-Item $outside } else { Write-Output "PASS $name/deny-write-home"; $pass++ }
}
$after = (icacls $Project | Out-String)
if ($before -eq $after) { Write-Output 'PASS acl-restored'; $pass++ } else { Write-Output 'FAIL acl-restored (icacls differs; see smoke.log)'; $fail++; Add-Content -Path $log -Value "before:`n$before`nafter:`n$after" }
$left = Get-ChildItem (Join-Path $env:LOCALAPPDATA 'sbxc\*.journal') -ErrorAction SilentlyContinue
if ($left) { Write-Output "FAIL no-journal-left ($($left.Name -join ', '))"; $fail++ } else { Write-Output 'PASS no-journal-left'; $pass++ }
Remove-Item "$PSScriptRoot\smoke-echo.cmd" -ErrorAction SilentlyContinue
Write-Output "$pass passed, $fail failed, $skip skipped (log: $log)"
if ($fail -gt 0) { exit 1 }
