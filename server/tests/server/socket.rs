use std::future::IntoFuture;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;

use dudao_server::db::Database;

use crate::common::{test_app, Backend, TestDb};

/// A minimal HTTP/1.1 request, so the test exercises the real socket path without a client
/// crate: `(status, body)`.
async fn http(addr: &str, method: &str, path: &str, headers: &[&str], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let raw = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    (status, body.to_owned())
}

async fn http_get(addr: &str, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], "").await
}

fn assert_healthy(status: u16, body: &str, backend: Backend) {
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(json["status"], "ok");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(json["database"], expected);
}

#[tokio::test]
async fn health_over_a_real_socket() {
    let t = test_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = tokio::spawn(axum::serve(listener, t.router.clone()).into_future());

    let (status, body) = http_get(&addr, "/api/health").await;
    assert_healthy(status, &body, Backend::Sqlite);
    server.abort();
}

/// SQLite by `--database FILE`; PostgreSQL by `DATABASE_URL` alone, as a service would set it.
async fn the_binary_serves_and_announces_its_address(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_dudao-server"));
    command
        .arg("serve")
        .arg("--addr=127.0.0.1:0")
        .arg(format!("--dist={}", dir.path().join("dist").display()))
        .env_remove("DUDAO_ADDR")
        .env_remove("DUDAO_DATABASE")
        .env_remove("DATABASE_URL")
        .env_remove("DUDAO_DIST")
        .env_remove("DUDAO_NO_DEMO")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    match &TestDb::new(backend, dir.path()).await.database {
        Database::Sqlite(_) => {
            command.arg(format!(
                "--database={}",
                dir.path().join("db/dudao.sqlite").display()
            ));
        }
        Database::Postgres(url) => {
            command.env("DATABASE_URL", url);
        }
    }
    let mut child = command.spawn().expect("start dudao-server");

    let stdout = child.stdout.take().expect("stdout");
    let line = BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .expect("read stdout")
        .expect("dudao-server exited before announcing its address");
    let url = line
        .strip_prefix("Dudao is running at http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));
    assert!(url.starts_with("127.0.0.1:"), "{url}");

    let (status, body) = http_get(url, "/api/health").await;
    assert_healthy(status, &body, backend);
    // The schools only to a signed-in user: 401 without a token, then the admin's ten.
    let (status, body) = http_get(url, "/api/schools").await;
    assert_eq!(status, 401, "{body}");
    let refused: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(refused["error"], "unauthorized");
    let login = serde_json::json!({"username": "admin", "password": dudao_server::demo::DEMO_PASSWORD,
                                   "device_id": crate::common::TEST_DEVICE});
    let (status, body) = http(url, "POST", "/api/login", &[], &login.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let bearer = format!(
        "Authorization: Bearer {}",
        token["token"].as_str().expect("token")
    );
    let (status, body) = http(url, "GET", "/api/schools", &[&bearer], "").await;
    assert_eq!(status, 200, "{body}");
    let schools: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(schools.as_array().map(Vec::len), Some(10));

    child.kill().await.expect("stop dudao-server");
}
both_backends!(the_binary_serves_and_announces_its_address);

#[tokio::test]
async fn an_unknown_database_url_is_refused_by_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_dudao-server"))
        .args(["seed-demo", "--database", "mysql://dudao@localhost/dudao"])
        .env_remove("DUDAO_DATABASE")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("run dudao-server");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    assert!(
        stderr.contains("unsupported database URL scheme mysql://"),
        "{stderr}"
    );
}
