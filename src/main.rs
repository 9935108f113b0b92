use clap::Parser;

fn main() {
    // Like any Unix tool, end quietly when the reader of our output goes away (`pvm list | head`)
    // instead of failing on a broken pipe; commands that `pvm run` starts get the default anyway.
    // SAFETY: restoring a signal's default disposition has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    // Completion requests (`PVM_COMPLETE=bash pvm -- …`, from the scripts in completions/)
    // are answered here and exit; otherwise this is one environment lookup.
    clap_complete::CompleteEnv::with_factory(pvm::cli::command)
        .var(pvm::generated::COMPLETE_VAR)
        .completer("pvm")
        .complete();
    let cli = match pvm::cli::Cli::try_parse() {
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
    let code = match pvm::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            pvm::ui::print_error(&err);
            // Interrupted (and everything put back): 130 for Ctrl-C, as uv and shells say.
            pvm::interrupt::exit_code().unwrap_or(1)
        }
    };
    std::process::exit(code);
}
