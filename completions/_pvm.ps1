
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pvm' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pvm'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pvm' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project (or adopt an existing pyproject.toml) and create its env')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a command (or a [tool.pvm.scripts] entry) inside the project''s env')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make the env hold exactly the project''s dependencies (and the lock''s pins)')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Resolve every dependency to exact versions with hashes, into pvm.lock')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every env in the store: project, interpreter, status, size, last use')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List every env in the store: project, interpreter, status, size, last use')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove envs: this project''s, named ones, stale ones, or all')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove envs: this project''s, named ones, stale ones, or all')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the project, its env and interpreter, and whether the env is in sync')
            [CompletionResult]::new('python', 'python', [CompletionResultType]::ParameterValue, 'Find, list and pin interpreters')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pvm;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The project name (default: the folder''s name)')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Interpreter request, written to .python-version')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--no-env', '--no-env', [CompletionResultType]::ParameterName, 'Write the manifest only; the env is made on the first run')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;run' {
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Interpreter request for this run (overrides PVM_PYTHON and .python-version)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--no-sync', '--no-sync', [CompletionResultType]::ParameterName, 'Use the env as it is: do not install or remove anything first')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)')
            [CompletionResult]::new('--frozen', '--frozen', [CompletionResultType]::ParameterName, 'Install pvm.lock as it is, without checking it against the manifest')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;sync' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Also install this dependency group (repeatable)')
            [CompletionResult]::new('--extra', '--extra', [CompletionResultType]::ParameterName, 'Also install this extra (repeatable)')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Interpreter request (overrides PVM_PYTHON and .python-version)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--all-groups', '--all-groups', [CompletionResultType]::ParameterName, 'Install every dependency group')
            [CompletionResult]::new('--no-dev', '--no-dev', [CompletionResultType]::ParameterName, 'Leave out the `dev` group (installed by default)')
            [CompletionResult]::new('--all-extras', '--all-extras', [CompletionResultType]::ParameterName, 'Install every extra')
            [CompletionResult]::new('--reinstall', '--reinstall', [CompletionResultType]::ParameterName, 'Reinstall every package, even those already in place')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail when pvm.lock is missing or stale instead of re-locking (for CI)')
            [CompletionResult]::new('--frozen', '--frozen', [CompletionResultType]::ParameterName, 'Install pvm.lock as it is, without checking it against the manifest')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;lock' {
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Interpreter request (overrides PVM_PYTHON and .python-version)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Take the newest versions allowed instead of keeping the locked ones')
            [CompletionResult]::new('--upgrade', '--upgrade', [CompletionResultType]::ParameterName, 'Take the newest versions allowed instead of keeping the locked ones')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array (schema: schemas/pvm-list.schema.json)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;ls' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array (schema: schemas/pvm-list.schema.json)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;remove' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Remove every env whose project folder is gone')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every env in the store')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before `--all`')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before `--all`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;rm' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Remove every env whose project folder is gone')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every env in the store')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before `--all`')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before `--all`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;info' {
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Interpreter request to judge the env against')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (schema: schemas/pvm-info.schema.json)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Print only the env''s path')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;python' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every interpreter found: pyenv''s, uv''s and those on PATH')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'Every interpreter found: pyenv''s, uv''s and those on PATH')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Print the path of the interpreter a request picks')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Write .python-version in the project root (or the current folder)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pvm;python;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;python;ls' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array (schema: schemas/pvm-python-list.schema.json)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;python;find' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;python;pin' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;python;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every interpreter found: pyenv''s, uv''s and those on PATH')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Print the path of the interpreter a request picks')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Write .python-version in the project root (or the current folder)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pvm;python;help;list' {
            break
        }
        'pvm;python;help;find' {
            break
        }
        'pvm;python;help;pin' {
            break
        }
        'pvm;python;help;help' {
            break
        }
        'pvm;completions' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'The project''s folder (default: the nearest folder upward with a pyproject.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR is obeyed under `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors and what the command itself prints')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pvm;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project (or adopt an existing pyproject.toml) and create its env')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a command (or a [tool.pvm.scripts] entry) inside the project''s env')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make the env hold exactly the project''s dependencies (and the lock''s pins)')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Resolve every dependency to exact versions with hashes, into pvm.lock')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every env in the store: project, interpreter, status, size, last use')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove envs: this project''s, named ones, stale ones, or all')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show the project, its env and interpreter, and whether the env is in sync')
            [CompletionResult]::new('python', 'python', [CompletionResultType]::ParameterValue, 'Find, list and pin interpreters')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pvm;help;init' {
            break
        }
        'pvm;help;run' {
            break
        }
        'pvm;help;sync' {
            break
        }
        'pvm;help;lock' {
            break
        }
        'pvm;help;list' {
            break
        }
        'pvm;help;remove' {
            break
        }
        'pvm;help;info' {
            break
        }
        'pvm;help;python' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every interpreter found: pyenv''s, uv''s and those on PATH')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Print the path of the interpreter a request picks')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Write .python-version in the project root (or the current folder)')
            break
        }
        'pvm;help;python;list' {
            break
        }
        'pvm;help;python;find' {
            break
        }
        'pvm;help;python;pin' {
            break
        }
        'pvm;help;completions' {
            break
        }
        'pvm;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
