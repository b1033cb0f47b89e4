//! `completions SHELL` and `man`: the shell completion script and the roff man page,
//! both generated from the clap definitions (so they never drift from `--help`) and
//! written to stdout.

use super::exit::Outcome;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::args::Cli;
use super::common::emit;

/// Arguments of `completions`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom completions bash > ~/.local/share/bash-completion/completions/headroom\n  headroom completions zsh > ~/.zfunc/_headroom\n  headroom completions fish > ~/.config/fish/completions/headroom.fish\n  headroom completions powershell >> $PROFILE"
)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom man > ~/.local/share/man/man1/headroom.1\n  headroom man | man -l -"
)]
pub struct ManArgs {}

/// Runs `completions`.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "headroom", &mut out);
    emit(String::from_utf8_lossy(&out))?;
    Ok(Outcome::Ok)
}

/// Runs `man`: one page, headroom(1), with every subcommand's options in it.
pub fn man(_: &ManArgs) -> anyhow::Result<Outcome> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    // clap_mangen renders one command per page; the subcommands' own options follow
    // as sections of the same page, so `man headroom` covers them all.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("headroom {}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name.clone())
            .bin_name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub).render(&mut page)?;
        out.extend(format!(".SH \"{}\"\n", name.to_uppercase()).into_bytes());
        out.extend(subsection(&page));
    }
    emit(String::from_utf8_lossy(&out))?;
    Ok(Outcome::Ok)
}

/// A rendered subcommand page without its `.TH` title line, each `.SH` demoted to `.SS`.
fn subsection(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with(".TH ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix(".SH ") {
            out.push_str(".SS ");
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.into_bytes()
}
