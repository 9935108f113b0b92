use clap::Parser;

fn main() {
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
