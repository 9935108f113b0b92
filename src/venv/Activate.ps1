# Activates a pvm env in PowerShell: `. bin/Activate.ps1`, undo with `deactivate`.
# Written by pvm; the env's path is baked in.

function global:deactivate([switch] $NonDestructive) {
    # `[tool.pvm.env]` as `pvm activate` set it: what was there before comes back.
    if (Test-Path variable:global:_PVM_ENV_RESTORE) {
        Invoke-Expression $global:_PVM_ENV_RESTORE
        Remove-Variable -Name _PVM_ENV_RESTORE -Scope Global
    }
    if (Test-Path variable:_OLD_VIRTUAL_PATH) {
        $env:PATH = $variable:_OLD_VIRTUAL_PATH
        Remove-Variable -Name _OLD_VIRTUAL_PATH -Scope Global
    }
    if (Test-Path variable:_OLD_VIRTUAL_PYTHONHOME) {
        $env:PYTHONHOME = $variable:_OLD_VIRTUAL_PYTHONHOME
        Remove-Variable -Name _OLD_VIRTUAL_PYTHONHOME -Scope Global
    }
    if (Test-Path function:_old_virtual_prompt) {
        $function:prompt = $function:_old_virtual_prompt
        Remove-Item function:\_old_virtual_prompt
    }
    if (Test-Path env:VIRTUAL_ENV) { Remove-Item env:VIRTUAL_ENV }
    if (Test-Path env:VIRTUAL_ENV_PROMPT) { Remove-Item env:VIRTUAL_ENV_PROMPT }
    if (-not $NonDestructive) { Remove-Item function:deactivate }
}

deactivate -NonDestructive

$env:VIRTUAL_ENV = __VIRTUAL_ENV__
$env:VIRTUAL_ENV_PROMPT = __PROMPT__
Set-Variable -Name _OLD_VIRTUAL_PATH -Value $env:PATH -Scope Global
$env:PATH = __BIN__ + [System.IO.Path]::PathSeparator + $env:PATH

if (Test-Path env:PYTHONHOME) {
    Set-Variable -Name _OLD_VIRTUAL_PYTHONHOME -Value $env:PYTHONHOME -Scope Global
    Remove-Item env:PYTHONHOME
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    function global:_old_virtual_prompt { "" }
    $function:_old_virtual_prompt = $function:prompt
    function global:prompt {
        Write-Host -NoNewline "($env:VIRTUAL_ENV_PROMPT) "
        _old_virtual_prompt
    }
}
