
Register-ArgumentCompleter -Native -CommandName pvm -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $prev = $env:PVM_COMPLETE;
    $env:PVM_COMPLETE = "powershell";

    $args = $commandAst.Extent.Text
    $args = $args.Substring(0, [math]::Min($cursorPosition, $args.Length));
    if ($wordToComplete -eq "") {
        $args += " ''";
    }

    $results = Invoke-Expression @"
& pvm -- $args
"@;
    if ($null -eq $prev) {
        Remove-Item Env:\PVM_COMPLETE;
    } else {
        $env:PVM_COMPLETE = $prev;
    }
    $results | ForEach-Object {
        $split = $_.Split("`t");
        $cmd = $split[0];

        if ($split.Length -eq 2) {
            $help = $split[1];
        }
        else {
            $help = $split[0];
        }

        [System.Management.Automation.CompletionResult]::new($cmd, $cmd, 'ParameterValue', $help)
    }
};
        
