//! The `leakhound` binary: parse arguments, run, map the outcome to an exit
//! code (0 clean, 1 leaks or `--exit-code`, 2 error).

use std::process::ExitCode;

use clap::Parser;
use leakhound::cli::{self, Args, Outcome};

fn main() -> ExitCode {
    let args = Args::parse();
    match cli::run(args) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Leaks(code)) => ExitCode::from(code),
        Err(e) => {
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("leakhound: error: {}", chain.join(": "));
            ExitCode::from(2)
        }
    }
}
