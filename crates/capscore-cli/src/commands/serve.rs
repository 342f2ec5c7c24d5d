//! `capscore serve` and `capscore user …` (the logic is in `capscore-server`).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_server::admin::UserCommand;
use clap::Subcommand;

use super::emit;
use crate::exit::Failure;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[arg(
        long,
        value_name = "URL",
        help = "Database: sqlite://PATH (created on first start) or postgres://USER@HOST/DB; default: sqlite://DATA_DIR/capscore.db"
    )]
    db: Option<String>,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Folder where imported data is kept (default: ./capscore-data; a temporary
    /// folder with --demo).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Start on the bundled sample: a workspace "sample" and a new admin whose
    /// one-time password is printed.
    #[arg(long)]
    demo: bool,
    /// Mark cookies Secure: set this when users reach the server over HTTPS (behind
    /// a TLS proxy).
    #[arg(long)]
    secure_cookies: bool,
}

pub(crate) fn serve(catalog: Catalog, args: &ServeArgs) -> Result<(), Failure> {
    let config = capscore_server::Config {
        db: args.db.clone(),
        bind: args.bind,
        data_dir: args.data_dir.clone(),
        secure_cookies: args.secure_cookies,
        demo: args.demo.then(|| {
            crate::sample::FILES
                .iter()
                .map(|(n, b)| ((*n).to_string(), b.to_vec()))
                .collect()
        }),
    };
    capscore_server::serve(config, catalog, |s| {
        let mut text = format!(
            "capscore is serving on http://{} (data in {})\n",
            s.addr,
            s.data_dir.display()
        );
        if let Some((user, password)) = &s.demo_login {
            text.push_str(&format!(
                "sign in as {user} with password {password} (a new admin; the password is shown only now)\n"
            ));
        }
        let _ = emit(&text);
    })
    .map_err(|e| Failure::Internal(anyhow!(e)))
}

#[derive(Debug, clap::Args)]
pub(crate) struct UserArgs {
    /// Database (as for `capscore serve`).
    #[arg(
        long,
        value_name = "URL",
        global = true,
        default_value = "sqlite://capscore-data/capscore.db"
    )]
    db: String,
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserAction {
    #[command(
        about = "Add a user (the password is read from the CAPSCORE_PASSWORD environment variable, so it stays out of the shell history)"
    )]
    Add {
        /// Login name.
        username: String,
        #[arg(
            long,
            default_value = "report_viewer",
            help = "admin, partner_admin or report_viewer"
        )]
        role: String,
    },
    /// Let a user see a partner of a workspace (every partner without --partner).
    Grant {
        /// Login name.
        username: String,
        /// Workspace name.
        #[arg(long)]
        workspace: String,
        /// Partner id.
        #[arg(long)]
        partner: Option<String>,
    },
    /// Remove a grant given with `grant`.
    Revoke {
        /// Login name.
        username: String,
        /// Workspace name.
        #[arg(long)]
        workspace: String,
        /// Partner id.
        #[arg(long)]
        partner: Option<String>,
    },
    /// Create an API token for scripts (printed once), or revoke one with --revoke ID.
    Token {
        /// Login name (not needed with --revoke).
        username: Option<String>,
        /// A label for the token.
        #[arg(long, default_value = "api")]
        name: String,
        /// Revoke the token with this id instead.
        #[arg(long, value_name = "ID")]
        revoke: Option<i64>,
    },
}

pub(crate) fn user(args: &UserArgs) -> Result<(), Failure> {
    let cmd = match &args.action {
        UserAction::Add { username, role } => {
            let password = std::env::var("CAPSCORE_PASSWORD").map_err(|_| {
                Failure::Input(anyhow!(
                    "set the new user's password in the CAPSCORE_PASSWORD environment variable"
                ))
            })?;
            UserCommand::Add {
                username: username.clone(),
                password,
                role: role.clone(),
            }
        }
        UserAction::Grant {
            username,
            workspace,
            partner,
        } => UserCommand::Grant {
            username: username.clone(),
            workspace: workspace.clone(),
            partner: partner.clone(),
        },
        UserAction::Revoke {
            username,
            workspace,
            partner,
        } => UserCommand::Revoke {
            username: username.clone(),
            workspace: workspace.clone(),
            partner: partner.clone(),
        },
        UserAction::Token {
            username,
            name,
            revoke,
        } => match (revoke, username) {
            (Some(id), _) => UserCommand::RevokeToken { id: *id },
            (None, Some(u)) => UserCommand::Token {
                username: u.clone(),
                name: name.clone(),
            },
            (None, None) => {
                return Err(Failure::Input(anyhow!(
                    "give the user name, or --revoke ID"
                )));
            }
        },
    };
    let out = capscore_server::admin::run(&args.db, cmd).map_err(|e| Failure::Input(anyhow!(e)))?;
    emit(&format!("{out}\n"))
}
