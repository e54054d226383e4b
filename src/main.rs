//! The `leakhound` binary: parse arguments, stop a scan cleanly on a signal,
//! run, map the outcome to an exit code (0 clean, 1 leaks or `--exit-code`,
//! 2 error, 130 interrupted).

use std::{
    panic,
    process::ExitCode,
    sync::atomic::{AtomicBool, Ordering},
};

use clap::Parser;
use leakhound::cancel::Cancel;
use leakhound::cli::{self, Args, Outcome};

/// mimalloc, not the system allocator: glibc keeps the memory that threads
/// free in per-thread arenas, and a history scan's attribution pass left
/// half its resident memory there (1.2 GB resident for 0.58 GB in use on rails).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit code of an interrupted scan (128 + SIGINT, as shells use).
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    install_panic_hook();
    let args = match cli::gitleaks_habits(std::env::args_os().collect()) {
        Ok(argv) => Args::parse_from(argv),
        Err(e) => {
            eprintln!("leakhound: error: {e}");
            return ExitCode::from(2);
        }
    };
    let cancel = Cancel::default();
    if args.command.is_scan() {
        if let Err(e) = install_signal_handler(cancel.clone()) {
            eprintln!("leakhound: error: cannot install the Ctrl-C handler: {e}");
            return ExitCode::from(2);
        }
    }
    match panic::catch_unwind(|| cli::run(args, &cancel)) {
        Ok(Ok(Outcome::Clean)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::Leaks(code))) => ExitCode::from(code),
        Ok(Ok(Outcome::Interrupted)) => ExitCode::from(EXIT_INTERRUPTED),
        Ok(Ok(Outcome::Incomplete)) => ExitCode::from(2),
        Ok(Err(e)) => {
            eprintln!("leakhound: error: {}", one_line(&e));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// The error and its causes, `: `-separated, each said once (a message that
/// already quotes its cause, `cannot read config: No such file...`, is not
/// followed by the cause again).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain().map(|c| c.to_string()) {
        if line.contains(&cause) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&cause);
    }
    line
}

/// SIGINT/SIGTERM: the first asks the scan to stop (it reports what it
/// found, marked incomplete); a second exits at once without a report.
fn install_signal_handler(cancel: Cancel) -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(move || {
        if cancel.request() {
            eprintln!("leakhound: interrupted again, exiting without a report");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("leakhound: interrupted, stopping (press Ctrl-C again to exit now)");
    })
}

/// Replaces the default panic output (message, backtrace) with one line
/// naming the code location only: a panic message may quote scanned bytes,
/// and those may be a secret. Printed once, whatever the number of threads.
fn install_panic_hook() {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    panic::set_hook(Box::new(|info| {
        if REPORTED.swap(true, Ordering::Relaxed) {
            return;
        }
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "leakhound: error: internal error{at} (details withheld: they may quote scanned data); please report it"
        );
    }));
}
