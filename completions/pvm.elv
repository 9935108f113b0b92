
use builtin;
use str;

set edit:completion:arg-completer[pvm] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pvm'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pvm'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Start a project (or adopt an existing pyproject.toml) and create its env'
            cand run 'Run a command (or a [tool.pvm.scripts] entry) inside the project''s env'
            cand sync 'Make the env hold exactly the project''s dependencies (and the lock''s pins)'
            cand lock 'Resolve every dependency to exact versions with hashes, into pvm.lock'
            cand list 'List every env in the store: project, interpreter, status, size, last use'
            cand ls 'List every env in the store: project, interpreter, status, size, last use'
            cand remove 'Remove envs: this project''s, named ones, stale ones, or all'
            cand rm 'Remove envs: this project''s, named ones, stale ones, or all'
            cand info 'Show the project, its env and interpreter, and whether the env is in sync'
            cand python 'Find, list and pin interpreters'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pvm;init'= {
            cand --name 'The project name (default: the folder''s name)'
            cand --python 'Interpreter request, written to .python-version'
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --no-env 'Write the manifest only; the env is made on the first run'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;run'= {
            cand --python 'Interpreter request for this run (overrides PVM_PYTHON and .python-version)'
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --no-sync 'Use the env as it is: do not install or remove anything first'
            cand --locked 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)'
            cand --frozen 'Install pvm.lock as it is, without checking it against the manifest'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;sync'= {
            cand --group 'Also install this dependency group (repeatable)'
            cand --extra 'Also install this extra (repeatable)'
            cand --python 'Interpreter request (overrides PVM_PYTHON and .python-version)'
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --all-groups 'Install every dependency group'
            cand --no-dev 'Leave out the `dev` group (installed by default)'
            cand --all-extras 'Install every extra'
            cand --reinstall 'Reinstall every package, even those already in place'
            cand --locked 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)'
            cand --frozen 'Install pvm.lock as it is, without checking it against the manifest'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;lock'= {
            cand --python 'Interpreter request (overrides PVM_PYTHON and .python-version)'
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -U 'Take the newest versions allowed instead of keeping the locked ones'
            cand --upgrade 'Take the newest versions allowed instead of keeping the locked ones'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;list'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --json 'Print a JSON array (schema: schemas/pvm-list.schema.json)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;ls'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --json 'Print a JSON array (schema: schemas/pvm-list.schema.json)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;remove'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --stale 'Remove every env whose project folder is gone'
            cand --all 'Remove every env in the store'
            cand -n 'Say what would be removed, remove nothing'
            cand --dry-run 'Say what would be removed, remove nothing'
            cand -y 'Do not ask before `--all`'
            cand --yes 'Do not ask before `--all`'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;rm'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --stale 'Remove every env whose project folder is gone'
            cand --all 'Remove every env in the store'
            cand -n 'Say what would be removed, remove nothing'
            cand --dry-run 'Say what would be removed, remove nothing'
            cand -y 'Do not ask before `--all`'
            cand --yes 'Do not ask before `--all`'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;info'= {
            cand --python 'Interpreter request to judge the env against'
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --json 'Print JSON (schema: schemas/pvm-info.schema.json)'
            cand --path 'Print only the env''s path'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;python'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every interpreter found: pyenv''s, uv''s and those on PATH'
            cand ls 'Every interpreter found: pyenv''s, uv''s and those on PATH'
            cand find 'Print the path of the interpreter a request picks'
            cand pin 'Write .python-version in the project root (or the current folder)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pvm;python;list'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --json 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;python;ls'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand --json 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;python;find'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;python;pin'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;python;help'= {
            cand list 'Every interpreter found: pyenv''s, uv''s and those on PATH'
            cand find 'Print the path of the interpreter a request picks'
            cand pin 'Write .python-version in the project root (or the current folder)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pvm;python;help;list'= {
        }
        &'pvm;python;help;find'= {
        }
        &'pvm;python;help;pin'= {
        }
        &'pvm;python;help;help'= {
        }
        &'pvm;completions'= {
            cand --project 'The project''s folder (default: the nearest folder upward with a pyproject.toml)'
            cand --color 'When to use colors (NO_COLOR is obeyed under `auto`)'
            cand -q 'Print nothing but errors and what the command itself prints'
            cand --quiet 'Print nothing but errors and what the command itself prints'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pvm;help'= {
            cand init 'Start a project (or adopt an existing pyproject.toml) and create its env'
            cand run 'Run a command (or a [tool.pvm.scripts] entry) inside the project''s env'
            cand sync 'Make the env hold exactly the project''s dependencies (and the lock''s pins)'
            cand lock 'Resolve every dependency to exact versions with hashes, into pvm.lock'
            cand list 'List every env in the store: project, interpreter, status, size, last use'
            cand remove 'Remove envs: this project''s, named ones, stale ones, or all'
            cand info 'Show the project, its env and interpreter, and whether the env is in sync'
            cand python 'Find, list and pin interpreters'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pvm;help;init'= {
        }
        &'pvm;help;run'= {
        }
        &'pvm;help;sync'= {
        }
        &'pvm;help;lock'= {
        }
        &'pvm;help;list'= {
        }
        &'pvm;help;remove'= {
        }
        &'pvm;help;info'= {
        }
        &'pvm;help;python'= {
            cand list 'Every interpreter found: pyenv''s, uv''s and those on PATH'
            cand find 'Print the path of the interpreter a request picks'
            cand pin 'Write .python-version in the project root (or the current folder)'
        }
        &'pvm;help;python;list'= {
        }
        &'pvm;help;python;find'= {
        }
        &'pvm;help;python;pin'= {
        }
        &'pvm;help;completions'= {
        }
        &'pvm;help;help'= {
        }
    ]
    $completions[$command]
}
