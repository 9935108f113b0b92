# Activates a pvm env in nushell: `overlay use bin/activate.nu`, undo with `deactivate`.
# Written by pvm; the env's path is baked in.

export-env {
    let path_name = if ('Path' in $env) { 'Path' } else { 'PATH' }
    let old_path = ($env | get $path_name)
    let new_path = ($old_path | prepend __BIN__)
    let prompt_name = __PROMPT__
    let old_prompt = if ('PROMPT_COMMAND' in $env) { $env.PROMPT_COMMAND } else { '' }
    let new_prompt = if ('VIRTUAL_ENV_DISABLE_PROMPT' in $env) {
        $old_prompt
    } else {
        {||
            let rest = if ($old_prompt | describe) == 'closure' { do $old_prompt } else { $old_prompt }
            $"\(($prompt_name)\) ($rest)"
        }
    }
    load-env {
        $path_name: $new_path
        VIRTUAL_ENV: __VIRTUAL_ENV__
        VIRTUAL_ENV_PROMPT: $prompt_name
        PROMPT_COMMAND: $new_prompt
    }
    hide-env -i PYTHONHOME
}

export alias pydoc = python -m pydoc
export alias deactivate = overlay hide activate
