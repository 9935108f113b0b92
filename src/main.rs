use clap::Parser;

fn main() {
    // Completion requests (`PVM_COMPLETE=bash pvm -- …`, from the scripts in completions/)
    // are answered here and exit; otherwise this is one environment lookup.
    clap_complete::CompleteEnv::with_factory(pvm::cli::command)
        .var(pvm::generated::COMPLETE_VAR)
        .completer("pvm")
        .complete();
    let cli = pvm::cli::Cli::parse();
    let code = match pvm::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            pvm::ui::print_error(&err);
            1
        }
    };
    std::process::exit(code);
}
