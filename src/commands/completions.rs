use crate::cli::CompletionsArgs;

pub fn completions(args: CompletionsArgs) -> anyhow::Result<i32> {
    print!("{}", crate::generated::completions(args.shell));
    Ok(0)
}
