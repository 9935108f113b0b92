// On Linux with glibc, pvm starts without Rust's own start-up: see `main` below.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use clap::{CommandFactory, FromArgMatches};

/// The entry the C runtime calls, in place of Rust's start-up (`lang_start`). On glibc that
/// start-up reads and parses `/proc/self/maps` to place the main thread's stack guard and sets
/// up a signal stack: a fifth of the system calls of a warm `pvm run`, for a message on a stack
/// overflow (without it, a plain SIGSEGV) and the main thread's name in a panic message. glibc
/// passes the arguments to std's own initializer, so `std::env::args` is whole; musl, macOS and
/// Windows do not, and keep Rust's start-up. The one part of it pvm needs is done here: the
/// standard descriptors checked open.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    pvm::platform::stdio_open();
    start()
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() {
    start()
}

fn start() -> ! {
    // End quietly when the reader of our output goes away (`pvm list | head`); commands that
    // `pvm run` starts get the default anyway.
    pvm::platform::default_sigpipe();
    // Completion requests (`PVM_COMPLETE=bash pvm -- …`, from the scripts in completions/)
    // are answered here and exit; otherwise this is one environment lookup.
    clap_complete::CompleteEnv::with_factory(pvm::cli::command)
        .var(pvm::generated::COMPLETE_VAR)
        .completer("pvm")
        .complete();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(err) => {
            let err = pvm::cli::retip(err, std::env::args().skip(1));
            // An unknown command that another tool has: say what pvm calls it.
            if let Some(tip) = pvm::cli::tip_for(&err, std::env::args().skip(1)) {
                let _ = err.print();
                eprintln!("\n  tip: {tip}");
                std::process::exit(2);
            }
            err.exit()
        }
    };
    // The environment, read once here and passed down.
    let config = pvm::config::Config::read();
    let code = match pvm::commands::run(cli, config) {
        Ok(code) => code,
        Err(err) => {
            pvm::commands::print_error(&err);
            // Interrupted (and everything put back): 130 for Ctrl-C, as uv and shells say.
            pvm::interrupt::exit_code().unwrap_or(1)
        }
    };
    std::process::exit(code);
}

/// `Cli::try_parse`, without freeing the CLI definition afterwards: the process ends (or execs)
/// long before it matters, and dropping two dozen subcommands' definitions is a good part of
/// what parsing costs at each start.
fn parse() -> Result<pvm::cli::Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `pvm run` without building every other command (the start of every run).
    if let Some(cli) = pvm::cli::parse_run(&args) {
        return Ok(cli);
    }
    let mut command = pvm::cli::Cli::command();
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|mut matches| {
            pvm::cli::Cli::from_arg_matches_mut(&mut matches)
                .map_err(|err| err.format(&mut pvm::cli::Cli::command()))
        });
    std::mem::forget(command);
    parsed
}
