//! `pvm shell` and `pvm activate`: into the env from the user's shell.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cli::{ActivateArgs, ShellArgs, ShellKind};
use crate::commands::{Context, UserError};
use crate::environment::Ready;
use crate::install::SyncOptions;
use crate::python::project_request;
use crate::quote;

/// The project's env, made and synced as `pvm run` would.
fn ready_env(
    ctx: &Context,
    python: Option<&str>,
) -> anyhow::Result<(Ready, crate::project::Project)> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let request = project_request(python, &project, ctx.config)?;
    let ready = super::ensure_env(ctx, &store, &project, &request, &SyncOptions::default())?;
    crate::venv::refresh_activate_scripts(&ready.layout, &project.name())?;
    Ok((ready, project))
}

/// The user's shell, from `$SHELL` (on Windows, where it is seldom set, else cmd).
fn user_shell(config: &crate::config::Config) -> (PathBuf, Option<ShellKind>) {
    let fallback = if cfg!(windows) { "cmd.exe" } else { "/bin/sh" };
    let path = (config.shell.clone()).unwrap_or_else(|| PathBuf::from(fallback));
    let kind = match shell_name(&path).as_str() {
        "bash" => Some(ShellKind::Bash),
        "zsh" => Some(ShellKind::Zsh),
        "fish" => Some(ShellKind::Fish),
        "csh" | "tcsh" => Some(ShellKind::Csh),
        "nu" => Some(ShellKind::Nu),
        "pwsh" | "powershell" => Some(ShellKind::Powershell),
        _ => None,
    };
    (path, kind)
}

/// A shell's program name without folder, `.exe` or case: `pwsh.exe` → `pwsh`.
fn shell_name(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    let lower = name.to_ascii_lowercase();
    lower.strip_suffix(".exe").unwrap_or(&lower).to_string()
}

/// The arguments that start PowerShell or cmd in the env: the env's own activate script
/// (`Activate.ps1`, `activate.bat`), then the shell stays open. `None` for other shells.
fn activating_args(
    path: &Path,
    bin: &Path,
    env: &BTreeMap<String, String>,
) -> Option<Vec<OsString>> {
    match shell_name(path).as_str() {
        "pwsh" | "powershell" => {
            let mut lines = vec![activation(bin, ShellKind::Powershell)];
            lines.extend(env_lines(ShellKind::Powershell, env));
            Some(vec![
                "-NoExit".into(),
                "-Command".into(),
                lines.join("; ").into(),
            ])
        }
        // cmd's activate.bat has no `[tool.pvm.env]` to undo: that comes in the environment.
        "cmd" => Some(vec!["/K".into(), bin.join("activate.bat").into()]),
        _ => None,
    }
}

/// The line that activates the env in `shell`.
fn activation(bin: &Path, shell: ShellKind) -> String {
    let script = |name: &str| bin.join(name).to_string_lossy().into_owned();
    match shell {
        // `.` rather than `source`: the same line then works in sh and dash too.
        ShellKind::Bash | ShellKind::Zsh => {
            format!(". {}", quote::shell_path(&bin.join("activate")))
        }
        ShellKind::Fish => format!("source {}", quote::shell_path(&bin.join("activate.fish"))),
        ShellKind::Csh => format!("source {}", quote::csh(&script("activate.csh"))),
        ShellKind::Nu => format!("overlay use {}", quote::nu(&script("activate.nu"))),
        ShellKind::Powershell => format!(". {}", quote::powershell(&script("Activate.ps1"))),
    }
}

/// The line that sets `key` to `value` in `shell`, the value arriving exactly as written.
fn set_variable(shell: ShellKind, key: &str, value: &str) -> String {
    match shell {
        ShellKind::Bash | ShellKind::Zsh => format!("export {key}={}", quote::posix(value)),
        ShellKind::Fish => format!("set -gx {key} {}", quote::posix(value)),
        ShellKind::Csh => format!("setenv {key} {}", quote::csh(value)),
        ShellKind::Nu => format!("$env.{key} = {}", quote::nu(value)),
        ShellKind::Powershell => format!("$env:{key} = {}", quote::powershell(value)),
    }
}

pub fn activate(ctx: &Context, args: ActivateArgs) -> anyhow::Result<i32> {
    let (ready, project) = ready_env(ctx, None)?;
    // Any other shell is taken for a POSIX one.
    let shell = args
        .shell
        .or(user_shell(ctx.config).1)
        .unwrap_or(ShellKind::Bash);
    let mut out = activation(&ready.layout.bin, shell);
    for line in env_lines(shell, &project.manifest.settings.env) {
        out.push('\n');
        out.push_str(&line);
    }
    println!("{out}");
    Ok(0)
}

/// `[tool.pvm.env]`, as `pvm run` applies it, each value quoted for its shell (keys are checked
/// names: the manifest refuses any other), with what `deactivate` needs to put back each
/// variable's earlier value, or unset it. The restore code names variables, never values, so it
/// needs no quoting. Nushell needs none of it: hiding the overlay drops what was set in it.
fn env_lines(shell: ShellKind, env: &BTreeMap<String, String>) -> Vec<String> {
    if env.is_empty() || shell == ShellKind::Nu {
        return env
            .iter()
            .map(|(key, value)| set_variable(shell, key, value))
            .collect();
    }
    let restore: Vec<String> = env.keys().map(|key| restore_variable(shell, key)).collect();
    let mut lines = vec![register_restore(shell, &restore.join("; "))];
    for (key, value) in env {
        lines.push(save_variable(shell, key));
        lines.push(set_variable(shell, key, value));
    }
    lines
}

/// Keeps `key`'s current value (if it has one) in `_PVM_OLD_<key>`.
fn save_variable(shell: ShellKind, key: &str) -> String {
    match shell {
        ShellKind::Bash | ShellKind::Zsh | ShellKind::Nu => format!(
            "unset _PVM_OLD_{key}; if [ -n \"${{{key}+set}}\" ]; then _PVM_OLD_{key}=${key}; fi"
        ),
        ShellKind::Fish => {
            format!("set -e _PVM_OLD_{key}; if set -q {key}; set -g _PVM_OLD_{key} ${key}; end")
        }
        // csh expands a whole `if (…) cmd` line first, failing on an unset variable; the right
        // side of `&&` is expanded only when it runs.
        ShellKind::Csh => {
            format!("unset _PVM_OLD_{key}; test $?{key} != 0 && set _PVM_OLD_{key}=${key}:q")
        }
        ShellKind::Powershell => format!(
            "Remove-Variable -Name _PVM_OLD_{key} -Scope Global -ErrorAction SilentlyContinue; if (Test-Path env:{key}) {{ $global:_PVM_OLD_{key} = $env:{key} }}"
        ),
    }
}

/// The code that puts `key` back as [`save_variable`] found it.
fn restore_variable(shell: ShellKind, key: &str) -> String {
    match shell {
        ShellKind::Bash | ShellKind::Zsh | ShellKind::Nu => format!(
            "if [ -n \"${{_PVM_OLD_{key}+set}}\" ]; then {key}=$_PVM_OLD_{key}; export {key}; unset _PVM_OLD_{key}; else unset {key}; fi"
        ),
        ShellKind::Fish => format!(
            "if set -q _PVM_OLD_{key}; set -gx {key} $_PVM_OLD_{key}; set -e _PVM_OLD_{key}; else; set -e {key}; end"
        ),
        ShellKind::Csh => format!(
            "test $?_PVM_OLD_{key} = 0 && unsetenv {key}; test $?_PVM_OLD_{key} != 0 && setenv {key} $_PVM_OLD_{key}:q; unset _PVM_OLD_{key}"
        ),
        ShellKind::Powershell => format!(
            "if (Test-Path variable:global:_PVM_OLD_{key}) {{ $env:{key} = $global:_PVM_OLD_{key}; Remove-Variable -Name _PVM_OLD_{key} -Scope Global }} else {{ Remove-Item env:{key} -ErrorAction SilentlyContinue }}"
        ),
    }
}

/// Leaves `code` where the env's `deactivate` runs it (see src/venv/activate*). Single quotes
/// hold it in every shell: it has none of its own.
fn register_restore(shell: ShellKind, code: &str) -> String {
    debug_assert!(!code.contains('\''));
    match shell {
        ShellKind::Bash | ShellKind::Zsh | ShellKind::Nu => format!("_PVM_ENV_RESTORE='{code}'"),
        ShellKind::Fish => format!("set -g _PVM_ENV_RESTORE '{code}'"),
        ShellKind::Csh => format!("set _PVM_ENV_RESTORE='{code}'"),
        ShellKind::Powershell => format!("$global:_PVM_ENV_RESTORE = '{code}'"),
    }
}

pub fn shell(ctx: &Context, args: ShellArgs) -> anyhow::Result<i32> {
    let (ready, project) = ready_env(ctx, args.python.as_deref())?;
    if ctx.config.virtual_env.as_ref() == Some(&ready.env.dir) {
        return Err(UserError::new(format!(
            "this shell is already inside {}",
            ready.env.dir.display()
        ))
        .hint("leave it with `exit` (or `deactivate`) first")
        .into());
    }
    ready.env.touch_used();
    let (path, kind) = user_shell(ctx.config);
    let bin = &ready.layout.bin;
    let store = ctx.store()?;
    let rc_dir = store.cache_dir().join("shell");
    let env = &project.manifest.settings.env;
    let mut command = std::process::Command::new(&path);
    command.env_remove("PYTHONHOME");
    ctx.ui.status(
        "Entering",
        format!("{} (leave with `exit`)", ready.env.dir.display()),
    );
    // Piped input (`echo cmd | pvm shell`) gets a non-interactive shell: no job-control
    // warnings, no prompt; the env comes through the environment alone.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let kind = if interactive { kind } else { None };
    let windows_like = activating_args(&path, bin, env).filter(|_| interactive);
    if let Some(args) = windows_like {
        command.args(args);
        if shell_name(&path) == "cmd" {
            command.envs(env);
        }
        let err = crate::platform::exec(&mut command);
        return Err(anyhow::Error::new(err).context(format!("cannot start {}", path.display())));
    }
    match kind {
        // The user's own startup file first, then the env's activate script: prompt and PATH
        // come out as `source bin/activate` would leave them.
        Some(ShellKind::Bash) => {
            let rc = write_rc(
                &rc_dir,
                "bashrc",
                "[ -f ~/.bashrc ] && . ~/.bashrc\n. \"$PVM_ACTIVATE\"\neval \"$PVM_ACTIVATE_ENV\"\nunset PVM_ACTIVATE PVM_ACTIVATE_ENV\n",
            )?;
            command
                .arg("--rcfile")
                .arg(rc)
                .arg("-i")
                .env("PVM_ACTIVATE", bin.join("activate"))
                .env(
                    "PVM_ACTIVATE_ENV",
                    env_lines(ShellKind::Bash, env).join("\n"),
                );
        }
        Some(ShellKind::Zsh) => {
            // zsh reads .zshenv, then (interactive) .zshrc, from ZDOTDIR: forward both.
            write_rc(
                &rc_dir.join("zsh"),
                ".zshenv",
                "[ -f \"${PVM_ZDOTDIR:-$HOME}/.zshenv\" ] && . \"${PVM_ZDOTDIR:-$HOME}/.zshenv\"\n",
            )?;
            write_rc(
                &rc_dir.join("zsh"),
                ".zshrc",
                "if [ -n \"$PVM_ZDOTDIR\" ]; then ZDOTDIR=\"$PVM_ZDOTDIR\"; else unset ZDOTDIR; fi\n[ -f \"${ZDOTDIR:-$HOME}/.zshrc\" ] && . \"${ZDOTDIR:-$HOME}/.zshrc\"\n. \"$PVM_ACTIVATE\"\neval \"$PVM_ACTIVATE_ENV\"\nunset PVM_ACTIVATE PVM_ACTIVATE_ENV PVM_ZDOTDIR\n",
            )?;
            let old: OsString = ctx.config.zdotdir.clone().unwrap_or_default();
            command
                .arg("-i")
                .env("PVM_ZDOTDIR", old)
                .env("ZDOTDIR", rc_dir.join("zsh"))
                .env("PVM_ACTIVATE", bin.join("activate"))
                .env(
                    "PVM_ACTIVATE_ENV",
                    env_lines(ShellKind::Zsh, env).join("\n"),
                );
        }
        Some(ShellKind::Fish) => {
            let mut lines = vec![activation(bin, ShellKind::Fish)];
            lines.extend(env_lines(ShellKind::Fish, env));
            command.arg("-i").arg("-C").arg(lines.join("\n"));
        }
        _ => {
            // Any other shell: the environment an activate script would set up.
            let new_path = std::env::join_paths(
                std::iter::once(bin.clone())
                    .chain(std::env::split_paths(ctx.config.path_or_empty())),
            )?;
            let prompt = format!(
                "({}) {}",
                project.name(),
                ctx.config.ps1.as_deref().unwrap_or("$ ")
            );
            // No `deactivate` here to undo anything: `[tool.pvm.env]` goes into the environment.
            command
                .envs(env)
                .env("VIRTUAL_ENV", &ready.env.dir)
                .env("VIRTUAL_ENV_PROMPT", project.name())
                .env("PATH", new_path)
                .env("PS1", prompt);
        }
    }
    let err = crate::platform::exec(&mut command);
    Err(anyhow::Error::new(err).context(format!("cannot start {}", path.display())))
}

fn write_rc(dir: &Path, name: &str, text: &str) -> anyhow::Result<PathBuf> {
    // The shell sources these files: never writable by others, whatever the umask.
    let _umask = crate::fsutil::NoWorldWritable::new();
    let path = dir.join(name);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(dir)?;
        crate::fsutil::write_atomic(&path, text.as_bytes())?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRICKY: &str = "a b'c $HOME \"q\" \\ !x";

    #[test]
    fn values_are_quoted_for_each_shell() {
        for (shell, expected) in [
            (ShellKind::Powershell, r#"$env:V = 'a b''c $HOME "q" \ !x'"#),
            (ShellKind::Nu, r#"$env.V = "a b'c $HOME \"q\" \\ !x""#),
            (ShellKind::Fish, r#"set -gx V 'a b'\''c $HOME "q" '\\' !x'"#),
            (
                ShellKind::Csh,
                r#"setenv V 'a b'\''c $HOME "q" '\\' '\!'x'"#,
            ),
        ] {
            assert_eq!(set_variable(shell, "V", TRICKY), expected);
        }
    }

    #[test]
    fn powershell_and_cmd_start_with_the_envs_own_script_checked_on_any_os() {
        let bin = Path::new("env").join("Scripts");
        let env = BTreeMap::from([("V".to_string(), "1".to_string())]);
        let args = |shell: &str| {
            activating_args(Path::new(shell), &bin, &env).map(|args| {
                args.iter()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            })
        };
        let cmd = args("C:/Windows/System32/CMD.EXE").unwrap();
        assert_eq!(
            cmd,
            [
                "/K".to_string(),
                bin.join("activate.bat").display().to_string()
            ]
        );
        let pwsh = args("pwsh.exe").unwrap();
        assert_eq!(pwsh[..2], ["-NoExit", "-Command"]);
        let script = bin.join("Activate.ps1").display().to_string();
        assert!(
            pwsh[2].starts_with(&format!(". '{script}'; $global:_PVM_ENV_RESTORE = ")),
            "{}",
            pwsh[2]
        );
        assert!(pwsh[2].ends_with("; $env:V = '1'"), "{}", pwsh[2]);
        assert_eq!(args("powershell"), Some(pwsh));
        assert_eq!(args("/bin/bash"), None);
    }
}
