# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pvm_global_optspecs
    string join \n project= q/quiet color= h/help V/version
end

function __fish_pvm_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pvm_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pvm_using_subcommand
    set -l cmd (__fish_pvm_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pvm -n "__fish_pvm_needs_command" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_needs_command" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_needs_command" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_needs_command" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_needs_command" -s V -l version -d 'Print version'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "init" -d 'Start a project (or adopt an existing pyproject.toml) and create its env'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "run" -d 'Run a command (or a [tool.pvm.scripts] entry) inside the project\'s env'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "sync" -d 'Make the env hold exactly the project\'s dependencies (and the lock\'s pins)'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "lock" -d 'Resolve every dependency to exact versions with hashes, into pvm.lock'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "list" -d 'List every env in the store: project, interpreter, status, size, last use'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "ls" -d 'List every env in the store: project, interpreter, status, size, last use'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "remove" -d 'Remove envs: this project\'s, named ones, stale ones, or all'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "rm" -d 'Remove envs: this project\'s, named ones, stale ones, or all'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "info" -d 'Show the project, its env and interpreter, and whether the env is in sync'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "python" -d 'Find, list and pin interpreters'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c pvm -n "__fish_pvm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pvm -n "__fish_pvm_using_subcommand init" -l name -d 'The project name (default: the folder\'s name)' -r
complete -c pvm -n "__fish_pvm_using_subcommand init" -l python -d 'Interpreter request, written to .python-version' -r
complete -c pvm -n "__fish_pvm_using_subcommand init" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand init" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand init" -l no-env -d 'Write the manifest only; the env is made on the first run'
complete -c pvm -n "__fish_pvm_using_subcommand init" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand init" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand run" -l python -d 'Interpreter request for this run (overrides PVM_PYTHON and .python-version)' -r
complete -c pvm -n "__fish_pvm_using_subcommand run" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand run" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand run" -l no-sync -d 'Use the env as it is: do not install or remove anything first'
complete -c pvm -n "__fish_pvm_using_subcommand run" -l locked -d 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)'
complete -c pvm -n "__fish_pvm_using_subcommand run" -l frozen -d 'Install pvm.lock as it is, without checking it against the manifest'
complete -c pvm -n "__fish_pvm_using_subcommand run" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand run" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l group -d 'Also install this dependency group (repeatable)' -r
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l extra -d 'Also install this extra (repeatable)' -r
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l python -d 'Interpreter request (overrides PVM_PYTHON and .python-version)' -r
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l all-groups -d 'Install every dependency group'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l no-dev -d 'Leave out the `dev` group (installed by default)'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l all-extras -d 'Install every extra'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l reinstall -d 'Reinstall every package, even those already in place'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l locked -d 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -l frozen -d 'Install pvm.lock as it is, without checking it against the manifest'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand sync" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand lock" -l python -d 'Interpreter request (overrides PVM_PYTHON and .python-version)' -r
complete -c pvm -n "__fish_pvm_using_subcommand lock" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand lock" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand lock" -s U -l upgrade -d 'Take the newest versions allowed instead of keeping the locked ones'
complete -c pvm -n "__fish_pvm_using_subcommand lock" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand lock" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand list" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand list" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand list" -l json -d 'Print a JSON array (schema: schemas/pvm-list.schema.json)'
complete -c pvm -n "__fish_pvm_using_subcommand list" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand list" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand ls" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand ls" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand ls" -l json -d 'Print a JSON array (schema: schemas/pvm-list.schema.json)'
complete -c pvm -n "__fish_pvm_using_subcommand ls" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand ls" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand remove" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand remove" -l stale -d 'Remove every env whose project folder is gone'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -l all -d 'Remove every env in the store'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -s y -l yes -d 'Do not ask before `--all`'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand remove" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand rm" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand rm" -l stale -d 'Remove every env whose project folder is gone'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -l all -d 'Remove every env in the store'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -s y -l yes -d 'Do not ask before `--all`'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand rm" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand info" -l python -d 'Interpreter request to judge the env against' -r
complete -c pvm -n "__fish_pvm_using_subcommand info" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand info" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand info" -l json -d 'Print JSON (schema: schemas/pvm-info.schema.json)'
complete -c pvm -n "__fish_pvm_using_subcommand info" -l path -d 'Print only the env\'s path'
complete -c pvm -n "__fish_pvm_using_subcommand info" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand info" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -f -a "list" -d 'Every interpreter found: pyenv\'s, uv\'s and those on PATH'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -f -a "ls" -d 'Every interpreter found: pyenv\'s, uv\'s and those on PATH'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -f -a "find" -d 'Print the path of the interpreter a request picks'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -f -a "pin" -d 'Write .python-version in the project root (or the current folder)'
complete -c pvm -n "__fish_pvm_using_subcommand python; and not __fish_seen_subcommand_from list ls find pin help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from list" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from list" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from list" -l json -d 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from ls" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from ls" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from ls" -l json -d 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from find" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from find" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from find" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from find" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from pin" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from pin" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from pin" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from pin" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every interpreter found: pyenv\'s, uv\'s and those on PATH'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from help" -f -a "find" -d 'Print the path of the interpreter a request picks'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from help" -f -a "pin" -d 'Write .python-version in the project root (or the current folder)'
complete -c pvm -n "__fish_pvm_using_subcommand python; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pvm -n "__fish_pvm_using_subcommand completions" -l project -d 'The project\'s folder (default: the nearest folder upward with a pyproject.toml)' -r -f -a "(__fish_complete_directories)"
complete -c pvm -n "__fish_pvm_using_subcommand completions" -l color -d 'When to use colors (NO_COLOR is obeyed under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pvm -n "__fish_pvm_using_subcommand completions" -s q -l quiet -d 'Print nothing but errors and what the command itself prints'
complete -c pvm -n "__fish_pvm_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "init" -d 'Start a project (or adopt an existing pyproject.toml) and create its env'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "run" -d 'Run a command (or a [tool.pvm.scripts] entry) inside the project\'s env'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "sync" -d 'Make the env hold exactly the project\'s dependencies (and the lock\'s pins)'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "lock" -d 'Resolve every dependency to exact versions with hashes, into pvm.lock'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "list" -d 'List every env in the store: project, interpreter, status, size, last use'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "remove" -d 'Remove envs: this project\'s, named ones, stale ones, or all'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "info" -d 'Show the project, its env and interpreter, and whether the env is in sync'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "python" -d 'Find, list and pin interpreters'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c pvm -n "__fish_pvm_using_subcommand help; and not __fish_seen_subcommand_from init run sync lock list remove info python completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pvm -n "__fish_pvm_using_subcommand help; and __fish_seen_subcommand_from python" -f -a "list" -d 'Every interpreter found: pyenv\'s, uv\'s and those on PATH'
complete -c pvm -n "__fish_pvm_using_subcommand help; and __fish_seen_subcommand_from python" -f -a "find" -d 'Print the path of the interpreter a request picks'
complete -c pvm -n "__fish_pvm_using_subcommand help; and __fish_seen_subcommand_from python" -f -a "pin" -d 'Write .python-version in the project root (or the current folder)'
