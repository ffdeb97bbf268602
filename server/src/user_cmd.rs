//! `dudao-server user add …` and `dudao-server assign …`: how an office creates accounts and
//! assigns schools to 责任督学. Exit status: 0 done, 1 refused (the message says why), 2 a usage
//! error.

use std::io::{self, BufRead};

use crate::auth::{self, hash_password};
use crate::cli::{AssignArgs, UserAddArgs, UserCommand};
use crate::clock::now_ms;
use crate::db::{Role, Store, StoreError, User, UserRecord};
use crate::template_cmd::CmdError;

pub async fn run_user(command: UserCommand) -> Result<(), CmdError> {
    match command {
        UserCommand::Add(args) => add(args).await,
    }
}

/// Usernames are what people type on a phone: lower-case ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(username: &str) -> Result<(), String> {
    if username.is_empty() || username.len() > 64 {
        return Err(format!(
            "username {username:?} must be 1 to 64 characters long"
        ));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "username {username:?} may hold only a-z, 0-9, '.', '_' and '-' (e.g. wangjianhua)"
        ));
    }
    Ok(())
}

async fn add(args: UserAddArgs) -> Result<(), CmdError> {
    check_username(&args.username).map_err(CmdError::Usage)?;
    let name = args.name.trim();
    if name.is_empty() {
        return Err(CmdError::Usage("--name is empty".into()));
    }
    let district = args.district.unwrap_or_default().trim().to_owned();
    if args.role == Role::Office && district.is_empty() {
        return Err(CmdError::Usage(
            "office staff need --district (the 区县 or 乡镇 they answer for)".into(),
        ));
    }
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CmdError::Usage(format!("cannot read the password from stdin: {e}")))?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.chars().count() < 8 {
            return Err(CmdError::Invalid(
                "the password must be at least 8 characters long".into(),
            ));
        }
        (password, false)
    } else {
        (auth::new_token()[..16].to_owned(), true)
    };
    let store = args.db.database().open().await?;
    let record = UserRecord {
        user: User {
            id: auth::new_id(),
            username: args.username.clone(),
            display_name: name.to_owned(),
            role: args.role,
            district,
            created_at: now_ms(),
        },
        password_hash: hash_password(&password),
    };
    let created = store.create_user(&record).await;
    store.close().await;
    match created {
        Ok(()) => {}
        Err(StoreError::UserExists(u)) => {
            return Err(CmdError::Invalid(format!(
                "the username {u} is already taken"
            )))
        }
        Err(e) => return Err(e.into()),
    }
    println!(
        "added {} ({}, {})",
        record.user.username, record.user.display_name, record.user.role
    );
    if generated {
        println!("password: {password}");
        println!("(shown once; give it to {name} and have them keep it safe)");
    }
    Ok(())
}

pub async fn assign(args: AssignArgs) -> Result<(), CmdError> {
    let store = args.db.database().open().await?;
    let result = assign_in(store.as_ref(), &args.username, &args.codes).await;
    store.close().await;
    let added = result?;
    println!(
        "{}: {} school(s) assigned, {} new",
        args.username,
        args.codes.len(),
        added
    );
    Ok(())
}

async fn assign_in(store: &dyn Store, username: &str, codes: &[String]) -> Result<u64, CmdError> {
    let user = store
        .user_by_username(username)
        .await?
        .ok_or_else(|| CmdError::Invalid(format!("no user {username}")))?
        .user;
    if user.role != Role::Supervisor {
        return Err(CmdError::Invalid(format!(
            "{username} is {}, not a supervisor: office staff see their district and admins \
             everything without assignments",
            user.role
        )));
    }
    match store.assign_schools(&user.id, codes).await {
        Ok(n) => Ok(n),
        Err(StoreError::UnknownSchools(unknown)) => Err(CmdError::Invalid(format!(
            "no school with code {}; nothing was assigned",
            unknown.join(", ")
        ))),
        Err(e) => Err(e.into()),
    }
}
